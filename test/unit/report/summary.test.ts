import { mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { buildSummary, verdictsFromSummary } from '../../../src/report/build-summary.js';
import { loadRun } from '../../../src/report/load-run.js';
import { SummarySchema } from '../../../src/report/summary-schema.js';
import { cellVerdicts } from '../../../src/report/verdicts.js';
import { writeRunDir, type FixtureCell } from '../../support/run-dir-fixture.js';
import { verifiedJsonl } from '../../support/shared-datasets.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'report-summary-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const IDS = [
  'django__django-1', 'django__django-2', 'sympy__sympy-3', 'sphinx-doc__sphinx-4',
  'astropy__astropy-5', 'astropy__astropy-6', 'pytest-dev__pytest-7', 'django__django-8',
];

/** One cell of each kind: resolved, unresolved, empty patch, error, infrastructure, missing report, no prediction. */
const MIXED: FixtureCell[] = [
  { instanceId: 'django__django-1', outcome: 'resolved' },
  { instanceId: 'django__django-2', outcome: 'unresolved' },
  { instanceId: 'sympy__sympy-3', outcome: 'empty_patch' },
  { instanceId: 'sphinx-doc__sphinx-4', outcome: 'error' },
  { instanceId: 'astropy__astropy-5', outcome: 'infrastructure' },
  { instanceId: 'astropy__astropy-6', outcome: 'unresolved', noReport: true },
  { instanceId: 'django__django-8', outcome: 'resolved' },
  // pytest-dev__pytest-7: no prediction at all
];

describe('buildSummary on a mixed single-cell run', () => {
  it('gives the official fields as the official harness computes them, infrastructure apart', async () => {
    const run = await loadRun(await writeRunDir(path.join(dir, 'mixed'), { instanceIds: IDS, cells: MIXED, command: 'evaluate' }));
    const summary = SummarySchema.parse(buildSummary(run));
    expect(summary).toMatchObject({
      aggregation: 'single_cell',
      schema_version: 2,
      total_instances: 8,
      submitted_instances: 7,
      completed_instances: 3,
      resolved_instances: 2,
      unresolved_instances: 1,
      empty_patch_instances: 1,
      error_instances: 2,
      infrastructure_instances: 1,
    });
    expect(summary.resolved_ids).toEqual(['django__django-1', 'django__django-8']);
    expect(summary.unresolved_ids).toEqual(['django__django-2']);
    expect(summary.completed_ids).toEqual(['django__django-1', 'django__django-2', 'django__django-8']);
    expect(summary.empty_patch_ids).toEqual(['sympy__sympy-3']);
    // officially an error: submitted, non-empty, no completed report; the missing report is flagged
    expect(summary.error_ids).toEqual(['astropy__astropy-6', 'sphinx-doc__sphinx-4']);
    expect(summary.missing_report_ids).toEqual(['astropy__astropy-6']);
    expect(summary.infrastructure_ids).toEqual(['astropy__astropy-5']);
    expect(summary.incomplete_ids).toEqual(['pytest-dev__pytest-7']);
    expect(summary.submitted_ids).not.toContain('pytest-dev__pytest-7');
    expect(summary.cells).toHaveLength(1);
    expect(summary.cells[0]!.resolved_ids).toEqual(summary.resolved_ids);
    expect(summary.by_repo['django/django']!.counts).toMatchObject({ total: 3, resolved: 2, unresolved: 1 });
    expect(summary.by_repo['astropy/astropy']!.counts).toMatchObject({ total: 2, infrastructure: 1, error: 1 });
  });
});

describe('buildSummary on a run with two contexts and two seeds', () => {
  it('keeps official fields per cell and pools the top level with cell ids', () => {
    const rows = [
      { instance_id: 'django__django-1', repo: 'django/django' },
      { instance_id: 'sympy__sympy-2', repo: 'sympy/sympy' },
    ];
    const cell = (instanceId: string, context: string, seed: string, outcome: 'resolved' | 'unresolved') => ({
      instanceId, context, seed,
      entry: { patch_is_None: false, patch_exists: true, patch_successfully_applied: true, resolved: outcome === 'resolved',
        sera_eval: { outcome, resolution: null, error: null, input_sha256: 'x', image: null, model_name_or_path: 'm', context, seed,
          test_exit_code: 0, skipped: { FAIL_TO_PASS: [], PASS_TO_PASS: [] }, timings: { total_s: 1, tests_s: 1 }, attempts: 1, finished_at: 't' } },
    });
    const cells = [
      cell('django__django-1', '32k', '1', 'resolved'),
      cell('django__django-1', '32k', '2', 'unresolved'),
      cell('django__django-1', '64k', '1', 'resolved'),
      cell('django__django-1', '64k', '2', 'resolved'),
      cell('sympy__sympy-2', '32k', '1', 'unresolved'),
      cell('sympy__sympy-2', '32k', '2', 'unresolved'),
      cell('sympy__sympy-2', '64k', '1', 'resolved'),
      cell('sympy__sympy-2', '64k', '2', 'unresolved'),
    ];
    const summary = buildSummary({
      manifest: { run_id: 'r', model_name_or_path: 'm', contexts: ['32k', '64k'], seeds: ['1', '2'] },
      rows, cells, predictions: [],
    });
    expect(SummarySchema.parse(summary)).toEqual(summary);
    expect(summary.aggregation).toBe('pooled_cells');
    expect(summary.total_instances).toBe(8);
    expect(summary.resolved_instances).toBe(4);
    expect(summary.resolved_ids).toContain('64k/2/django__django-1');
    expect(summary.cells.map((c) => [c.context, c.seed, c.resolved_instances])).toEqual([
      ['32k', '1', 1], ['32k', '2', 0], ['64k', '1', 2], ['64k', '2', 1],
    ]);
    const djangoCells = summary.by_repo['django/django']!.cells;
    expect(djangoCells.find((c) => c.context === '32k' && c.seed === '2')!.counts.unresolved).toBe(1);
    // the summary alone is enough to recover every cell verdict (nightly baselines given as report.json)
    const back = verdictsFromSummary(summary).map((v) => `${v.context}/${v.seed}/${v.instanceId}=${v.verdict}`).sort();
    const direct = cellVerdicts({ manifest: { contexts: ['32k', '64k'], seeds: ['1', '2'] }, rows, cells, predictions: [] })
      .map((v) => `${v.context}/${v.seed}/${v.instanceId}=${v.verdict}`).sort();
    expect(back).toEqual(direct);
  });
});

describe('loadRun', () => {
  it('names the broken file and field', async () => {
    const root = await writeRunDir(path.join(dir, 'broken'), { instanceIds: ['django__django-1'], cells: [{ instanceId: 'django__django-1', outcome: 'resolved' }] });
    const report = path.join(root, 'evaluation', '-', '-', 'django__django-1', 'report.json');
    await writeFile(report, JSON.stringify({ 'django__django-1': { resolved: 'yes' } }));
    const error = await loadRun(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(report);
    expect((error as Error).message).toMatch(/field django__django-1\.\w+/);
  });

  it('names the line of a bad prediction but skips a torn last line', async () => {
    const root = await writeRunDir(path.join(dir, 'preds'), { instanceIds: ['django__django-1'], cells: [{ instanceId: 'django__django-1', outcome: 'resolved' }] });
    const predictions = path.join(root, 'predictions.jsonl');
    await appendFile(predictions, '{"instance_id": "django__dj');
    expect((await loadRun(root)).predictions).toHaveLength(1);
    await appendFile(predictions, '\n{"model_patch": ""}\n');
    await expect(loadRun(root)).rejects.toThrow(/predictions\.jsonl:2: not valid JSON/);
  });

  it('refuses a directory without run.json', async () => {
    await expect(loadRun(dir)).rejects.toBeInstanceOf(InputError);
  });

  it('reads repos and gold patches from the dataset file when there is one', async () => {
    const dataset = verifiedJsonl();
    const root = await writeRunDir(path.join(dir, 'gold'), {
      instanceIds: ['astropy__astropy-12907'], datasetSource: dataset,
      cells: [{ instanceId: 'astropy__astropy-12907', outcome: 'resolved' }],
    });
    const run = await loadRun(root);
    expect(run.rows).toEqual([{ instance_id: 'astropy__astropy-12907', repo: 'astropy/astropy' }]);
    expect(run.goldPatches.get('astropy__astropy-12907')).toContain('astropy/modeling/separable.py');
  });
});

describe('the repo of each instance', () => {
  it('is the one run.json records, never guessed from the id', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "repos-"));
    const root = await writeRunDir(path.join(dir, 'recorded'), {
      instanceIds: ['owner__a-1', 'gitlab-42'],
      instanceRepos: { 'owner__a-1': 'someone-else/a-fork', 'gitlab-42': 'group/project' },
      cells: [{ instanceId: 'owner__a-1', outcome: 'resolved' }, { instanceId: 'gitlab-42', outcome: 'unresolved' }],
    });
    expect((await loadRun(root)).rows).toEqual([
      { instance_id: 'owner__a-1', repo: 'someone-else/a-fork' },
      { instance_id: 'gitlab-42', repo: 'group/project' },
    ]);
  });

  it('is unknown for an older run without recorded repos or a readable dataset', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "repos-"));
    const root = await writeRunDir(path.join(dir, 'old'), {
      instanceIds: ['django__django-1'],
      instanceRepos: null,
      cells: [{ instanceId: 'django__django-1', outcome: 'resolved' }],
    });
    expect((await loadRun(root)).rows).toEqual([{ instance_id: 'django__django-1', repo: 'unknown' }]);
  });
});
