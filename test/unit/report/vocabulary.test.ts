/**
 * One vocabulary: report, compare, nightly and the end-of-run line show the official rate
 * (infrastructure counted as not resolved) and the infrastructure-excluded rate with the
 * infrastructure count, and agree to the digit; a run in progress counts unfinished cells as pending.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSummaryLine } from '../../../src/cli/summary-line.js';
import { SummarySchema } from '../../../src/report/summary-schema.js';
import { runCli } from '../../support/cli-runner.js';
import { writeRunDir, type FixtureCell } from '../../support/run-dir-fixture.js';

const IDS = Array.from({ length: 12 }, (_, i) => `django__django-${100 + i}`);
let dir: string;
let runDir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vocabulary-'));
  // the example: 6 resolved, 5 unresolved, 1 infrastructure → 6/12 = 50.00 official, 6/11 = 54.55 excluding infrastructure
  const cells = IDS.map((instanceId, i): FixtureCell => ({ instanceId, outcome: i < 6 ? 'resolved' : i === 11 ? 'infrastructure' : 'unresolved' }));
  runDir = await writeRunDir(path.join(dir, 'run'), { instanceIds: IDS, cells, command: 'evaluate' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('one vocabulary', () => {
  const official = '50.00 [6/12]';
  const excluded = '54.55 [6/11]';

  it('the end-of-run line and report say the same, naming both denominators', async () => {
    const summary = SummarySchema.parse(JSON.parse(await readFile(path.join(runDir, 'report.json'), 'utf8')));
    const line = renderSummaryLine(summary, runDir);
    expect(line).toContain(`official 50.00 % [6/12] | excl. infra 54.55 % [6/11] | infra 1`);
    expect(line).toContain('infrastructure failures counted as not resolved');
    const report = await runCli(['report', runDir, '--format', 'markdown']);
    expect(report.stdout).toContain(`| All | 12 | ${official} | ${excluded} | 1 |`);
    expect(report.stdout).toContain('official % [resolved/instances]');
    expect(report.stdout).toContain('excl. infra % [resolved/graded]');
  });

  it('compare and nightly show the same figures', async () => {
    const compare = await runCli(['compare', runDir, runDir]);
    expect(compare.stdout).toContain(official);
    expect(compare.stdout).toContain(excluded);
    const nightly = await runCli(['nightly', '--baseline', runDir, '--current', runDir, '--max-infra', '10']);
    expect(nightly.code).toBe(0);
    expect(nightly.stdout).toContain(`| All |  | 11 | ${official} | ${official} | ${excluded} | ${excluded} | 1 |`);
  });

  it('a run in progress says so and counts unfinished cells as pending, in no denominator', async () => {
    const running = await writeRunDir(path.join(dir, 'running'), {
      instanceIds: IDS,
      cells: IDS.slice(0, 4).map((instanceId, i) => ({ instanceId, outcome: i < 2 ? 'resolved' : 'unresolved' })),
      command: 'evaluate',
      inProgress: true,
    });
    const report = await runCli(['report', running, '--format', 'markdown']);
    expect(report.stdout).toContain('IN PROGRESS (or interrupted): 4 of 12 cells finished, 8 pending');
    expect(report.stdout).toContain('| All | 12 | 50.00 [2/4] | 50.00 [2/4] | 0 | 0 | 8 |');
    const json = JSON.parse((await runCli(['report', running, '--format', 'json'])).stdout) as { status: string };
    expect(json.status).toBe('in_progress');
  });
});
