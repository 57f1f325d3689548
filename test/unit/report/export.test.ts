import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { runCli } from '../../support/cli-runner.js';
import { writeRunDir, type FixtureCell } from '../../support/run-dir-fixture.js';

const IDS = ['django__django-1', 'django__django-2', 'sympy__sympy-3', 'sympy__sympy-4'];
let dir: string;
let single: string;
let multi: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'export-'));
  const outcomes: FixtureCell['outcome'][] = ['resolved', 'unresolved', 'resolved', 'infrastructure'];
  single = await writeRunDir(path.join(dir, 'single'), {
    instanceIds: IDS,
    model: 'allenai/SERA-32B',
    command: 'evaluate',
    cells: IDS.map((instanceId, i) => ({ instanceId, outcome: outcomes[i]! })),
    manifestExtra: { dataset: { source: 'hf:princeton-nlp/SWE-bench_Verified:test', sha256: 'b'.repeat(64), rows: 500 } },
  });
  const output = new RunLayout(single).testOutput({ instanceId: 'django__django-2', context: '-', seed: '-' });
  await mkdir(path.dirname(output), { recursive: true });
  await writeFile(output, 'FAILED tests/test_f.py::test_fix\n');
  multi = await writeRunDir(path.join(dir, 'multi'), {
    instanceIds: IDS,
    contexts: ['32k', '64k'],
    seeds: ['1', '2'],
    cells: ['32k', '64k'].flatMap((context) => ['1', '2'].flatMap((seed) => IDS.map((instanceId, i) => ({ instanceId, context, seed, outcome: i < 2 ? ('resolved' as const) : ('unresolved' as const) })))),
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('export --format swebench', () => {
  it('writes the official layout: logs/run_evaluation/<run>/<model with __>/<id>/report.json with official keys, test_output.txt, all_preds.jsonl', async () => {
    const r = await runCli(['export', single, '--format', 'swebench']);
    expect(r.code).toBe(0);
    const base = path.join(single, 'export', 'swebench');
    const instanceDir = path.join(base, 'logs', 'run_evaluation', 'single', 'allenai__SERA-32B', 'django__django-2');
    const report = JSON.parse(await readFile(path.join(instanceDir, 'report.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(report['django__django-2']!).sort()).toEqual(['patch_exists', 'patch_is_None', 'patch_successfully_applied', 'resolved', 'tests_status']);
    expect(await readFile(path.join(instanceDir, 'test_output.txt'), 'utf8')).toContain('FAILED');
    const preds = (await readFile(path.join(base, 'all_preds.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(preds).toHaveLength(4);
    expect(Object.keys(preds[0]!)).toEqual(['instance_id', 'model_name_or_path', 'model_patch']);
    const summary = JSON.parse(await readFile(path.join(base, 'allenai__SERA-32B.single.json'), 'utf8')) as { resolved_instances: number; total_instances: number };
    expect(summary).toMatchObject({ resolved_instances: 2, total_instances: 4 });
  });

  it('a run with several contexts or seeds needs the cell, named with the flag', async () => {
    const r = await runCli(['export', multi, '--format', 'swebench']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--context (32k, 64k)');
    const ok = await runCli(['export', multi, '--format', 'swebench', '--context', '64k', '--seed', '2']);
    expect(ok.code).toBe(0);
    expect(existsSync(path.join(multi, 'export', 'swebench', 'logs', 'run_evaluation', 'multi.64k.2', 'allenai__SERA-32B', 'sympy__sympy-3', 'report.json'))).toBe(true);
  });
});

describe('export --format hf-eval-results', () => {
  it('writes the .eval_results entry with the official rate (infrastructure counted as not resolved)', async () => {
    const r = await runCli(['export', single, '--format', 'hf-eval-results', '--source-url', 'https://huggingface.co/allenai/SERA-32B', '--source-name', 'Eval logs']);
    expect(r.code).toBe(0);
    const yaml = await readFile(path.join(single, 'export', 'hf-eval-results', '.eval_results', 'swe_bench.yaml'), 'utf8');
    expect(yaml).toBe(
      [
        '- dataset:',
        '    id: "princeton-nlp/SWE-bench_Verified"',
        '    task_id: "default"',
        '  value: 50.00',
        '  date: "2026-01-01T00:00:00.000Z"',
        '  source:',
        '    url: "https://huggingface.co/allenai/SERA-32B"',
        '    name: "Eval logs"',
        '  notes: "official resolve rate (infrastructure failures counted as not resolved), 2/4 cells; allenai/SERA-32B; sera-eval 0.1.0"',
        '',
      ].join('\n'),
    );
  });

  it('a file dataset needs --dataset-id', async () => {
    const r = await runCli(['export', multi, '--format', 'hf-eval-results', '--context', '32k']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dataset-id');
  });
});
