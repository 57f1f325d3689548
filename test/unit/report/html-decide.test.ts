import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notComparable } from '../../../src/report/html-charts.js';
import type { HistoryEntry } from '../../../src/report/nightly-history.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { runCli } from '../../support/cli-runner.js';
import { writeRunDir } from '../../support/run-dir-fixture.js';

let dir: string;
let runDir: string;
let history: string;
const GOLD = 'diff --git a/django/db/models.py b/django/db/models.py\n--- a/django/db/models.py\n+++ b/django/db/models.py\n@@ -1 +1 @@\n-gold_old = 1\n+gold_new = 2\n';

function night(i: number, model: string, notMeasured = false): HistoryEntry {
  return {
    format: 'sera-eval.nightly/1', at: `2026-01-0${i + 1}T03:00:00Z`, run_id: `nightly-${i}`, model, baseline_run_id: 'b', passed: !notMeasured, regressions: [],
    ...(notMeasured ? { not_measured: ['context 32k: 20 of 20 cells failed on infrastructure'] } : {}),
    rates: [{ repo: 'All', context: '32k', mean: 40 + i, std: null, seeds: 1 }],
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'html-decide-'));
  const dataset = path.join(dir, 'rows.jsonl');
  const rows = ['django__django-1', 'django__django-2'].map((id) => ({ instance_id: id, repo: 'django/django', patch: GOLD, problem_statement: `QuerySet.${id} <crashes> on empty input` }));
  await writeFile(dataset, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  runDir = await writeRunDir(path.join(dir, 'run'), {
    instanceIds: ['django__django-1', 'django__django-2'],
    contexts: ['32k'],
    datasetSource: dataset,
    cells: [
      { instanceId: 'django__django-1', context: '32k', outcome: 'resolved', steps: 1 },
      { instanceId: 'django__django-2', context: '32k', outcome: 'unresolved', steps: 1, exitStatus: 'exit_step_limit' },
    ],
  });
  const output = new RunLayout(runDir).testOutput({ instanceId: 'django__django-2', context: '32k', seed: '-' });
  await mkdir(path.dirname(output), { recursive: true });
  await writeFile(output, '+ python -m pytest tests/test_f.py\nFAILED tests/test_f.py::test_fix - AssertionError: 1 != 2\n');
  history = path.join(dir, 'history.jsonl');
  await writeFile(history, [night(0, 'allenai/SERA-32B'), night(1, 'allenai/SERA-32B', true), night(2, 'allenai/SERA-32B-next')].map((h) => JSON.stringify(h)).join('\n') + '\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('HTML for people who decide', () => {
  it('instance pages show the problem statement, the gold patch beside the model patch, and the failing test output', async () => {
    const html = (await runCli(['report', runDir, '--format', 'html'])).stdout;
    const page = html.slice(html.indexOf('data-instance="django__django-2"'));
    expect(page).toContain('Problem statement');
    expect(page).toContain('QuerySet.django__django-2 &lt;crashes&gt; on empty input');
    expect(page).toMatch(/<div class="side-by-side"><div class="cells">.*Model patch.*<\/div><aside class="gold"><h3>Gold patch<\/h3>.*gold_new = 2/s);
    expect(page).toContain('FAILED tests/test_f.py::test_fix - AssertionError: 1 != 2');
  });

  it('the instance list shows each exit status', async () => {
    const html = (await runCli(['report', runDir, '--format', 'html'])).stdout;
    const list = html.slice(html.indexOf('id="instance-table"'), html.indexOf('</table>', html.indexOf('id="instance-table"')));
    expect(list).toContain('<span class="exit">submitted</span>');
    expect(list).toContain('<span class="exit">exit_step_limit</span>');
  });

  it('the trend chart labels its axes and says when nights are not comparable', async () => {
    const html = (await runCli(['report', runDir, '--format', 'html', '--history', history])).stdout;
    expect(html).toContain('resolve rate %, excl. infra');
    expect(html).toContain('night (gate run date)');
    expect(html).toContain('Not comparable: the nights ran different models (allenai/SERA-32B, allenai/SERA-32B-next)');
    expect(html).toContain('not measured (incomplete or infrastructure failures): nightly-1');
    expect(notComparable([night(0, 'm'), night(1, 'm')])).toEqual([]);
  });
});
