import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../../src/report/report-command.js';
import { DEFAULT_PATCH, writeRunDir, type FixtureCell } from '../../support/run-dir-fixture.js';

let dir: string;
let runDir: string;

const DJANGO = ['django__django-1', 'django__django-2', 'django__django-3', 'django__django-4', 'django__django-5'];
const IDS = ['pytest-dev__pytest-1', 'astropy__astropy-1', 'astropy__astropy-2', 'sphinx-doc__sphinx-1', 'sympy__sympy-1', ...DJANGO];

/** Django @32k resolves 2, 3, 2 of 5 over seeds 1–3 (40/60/40 % → 46.67 ± 11.55); everything else fails. */
function outcome(id: string, context: string, seed: string): FixtureCell['outcome'] {
  if (context === '32k' && DJANGO.indexOf(id) >= 0 && DJANGO.indexOf(id) < (seed === '2' ? 3 : 2)) return 'resolved';
  if (id === 'sympy__sympy-1' && context === '64k') return seed === '1' ? 'infrastructure' : 'resolved';
  if (id === 'astropy__astropy-1') return 'error';
  if (id === 'astropy__astropy-2') return 'empty_patch';
  return 'unresolved';
}

async function run(args: { format: 'table' | 'json' | 'markdown' | 'csv' | 'html'; runDir?: string }): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await reportCommand(
    { runDir: args.runDir ?? runDir, format: args.format },
    { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
  );
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'report-cmd-'));
  const dataset = path.join(dir, 'gold.jsonl');
  await writeFile(dataset, IDS.map((id) => JSON.stringify({ instance_id: id, repo: id.replace(/__(.*)-\d+$/, '/$1'), patch: DEFAULT_PATCH })).join('\n'));
  const cells: FixtureCell[] = [];
  for (const context of ['32k', '64k'])
    for (const seed of ['1', '2', '3'])
      for (const instanceId of IDS) cells.push({ instanceId, context, seed, outcome: outcome(instanceId, context, seed), steps: context === '32k' ? 4 : 2, exitStatus: instanceId === 'django__django-5' ? 'exit_context' : 'submitted' });
  runDir = await writeRunDir(path.join(dir, 'run-a'), { instanceIds: IDS, cells, contexts: ['32k', '64k'], seeds: ['1', '2', '3'], datasetSource: dataset });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('report --format csv', () => {
  it('orders rows Django, SymPy, Sphinx, others by count, All; rates are mean ± sample std over seeds', async () => {
    const { code, out } = await run({ format: 'csv' });
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((l) => l.split(','));
    const header = lines[0]!;
    const col = (name: string): number => header.indexOf(name);
    const rows32 = lines.slice(1).filter((l) => l[col('context')] === '32k');
    expect(rows32.map((l) => l[0])).toEqual(['django/django', 'sympy/sympy', 'sphinx-doc/sphinx', 'astropy/astropy', 'pytest-dev/pytest', 'All']);
    const django = rows32[0]!;
    expect(Number(django[col('excl_infra_rate_mean')])).toBeCloseTo(46.6667, 3);
    expect(Number(django[col('excl_infra_rate_std')])).toBeCloseTo(11.547, 3);
    expect(django[col('resolved')]).toBe('7');
    const all = rows32[5]!;
    expect(Number(all[col('excl_infra_rate_mean')])).toBeCloseTo((100 * 7) / 30, 3);
    const astropy = rows32[3]!;
    expect(astropy[col('errors')]).toBe('3');
    expect(astropy[col('empty_patches')]).toBe('3');
    // recall: every non-empty prediction is the gold patch, empty ones recall nothing
    expect(Number(astropy[col('mean_recall')])).toBeCloseTo(0.5, 6);
    expect(Number(django[col('mean_recall')])).toBe(1);
  });

  it('keeps infrastructure failures apart and out of the denominator', async () => {
    const { out } = await run({ format: 'csv' });
    const lines = out.trim().split('\n').map((l) => l.split(','));
    const header = lines[0]!;
    const sympy64 = lines.find((l) => l[0] === 'sympy/sympy' && l[1] === '64k')!;
    expect(sympy64[header.indexOf('infrastructure')]).toBe('1');
    expect(sympy64[header.indexOf('graded')]).toBe('2');
    expect(sympy64[header.indexOf('excl_infra_per_seed_rates')]).toBe('100.0000 100.0000');
    // the official rate keeps the infrastructure failure in the denominator
    expect(sympy64[header.indexOf('instances_measured')]).toBe('3');
    expect(Number(sympy64[header.indexOf('official_ci95_high')])).toBeLessThanOrEqual(100);
  });
});

describe('report --format table and markdown', () => {
  it('prints the rate table with cli-table3 and the rollout activity per context', async () => {
    const { out } = await run({ format: 'table' });
    expect(out).toContain('46.67 ± 11.55');
    expect(out).toMatch(/Django.*7\/15/);
    expect(out).toContain('exit_context');
    // 32k rollouts have 4 steps of 1000..1003 prompt tokens: mean 4006 in, 400 out
    expect(out).toMatch(/32k\s*│\s*30\s*│\s*27\s*│\s*3\s*│\s*4\.0\s*│\s*4006\s*│\s*400\s*│\s*6\.0\s*│\s*2\.0/);
  });

  it('writes Markdown tables', async () => {
    const { out } = await run({ format: 'markdown' });
    expect(out).toMatch(/^## Run run-a/);
    expect(out).toContain('| Django | 5 | 46.67 ± 11.55 [7/15] | 46.67 ± 11.55 [7/15] | 0 | 0 |');
    expect(out).toContain('## Across seeds');
    expect(out).toMatch(/\| Context \| pass@1 % \| pass@2 % \| pass@3 % \| pass\^1 % \| pass\^2 % \| pass\^3 % \| flaky instances \|/);
    expect(out).toMatch(/flaky @ 32k: \S+/);
  });
});

describe('report --format json', () => {
  it('carries the summary with official fields and the computed rates', async () => {
    const { out } = await run({ format: 'json' });
    const json = JSON.parse(out) as { summary: { aggregation: string; resolved_instances: number; total_instances: number }; rates: unknown[] };
    expect(json.summary.aggregation).toBe('pooled_cells');
    expect(json.summary.total_instances).toBe(60);
    expect(json.summary.resolved_instances).toBe(7 + 2);
    expect(json.rates).toHaveLength(6);
  });
});

describe('report with one seed', () => {
  it('shows the rate alone', async () => {
    const one = await writeRunDir(path.join(dir, 'one-seed'), {
      instanceIds: DJANGO,
      cells: DJANGO.map((instanceId, i) => ({ instanceId, outcome: i < 2 ? 'resolved' : 'unresolved' })),
      command: 'evaluate',
    });
    const { out } = await run({ format: 'markdown', runDir: one });
    expect(out).toContain('| Django | 5 | 40.00 [2/5] | 40.00 [2/5] | 0 | 0 |');
    expect(out).not.toContain('±');
    expect(out).not.toContain('Rollouts per context');
  });
});

describe('report on bad input', () => {
  it('exits 2 naming the problem', async () => {
    const { code, err } = await run({ format: 'table', runDir: path.join(dir, 'nope') });
    expect(code).toBe(2);
    expect(err).toContain('not a run directory');
    const bad = await reportCommand({ runDir, format: 'pdf' as 'csv' }, { stdout: { write: () => true }, stderr: { write: () => true } });
    expect(bad).toBe(2);
  });
});

describe('report --format html', () => {
  it('is one self-contained file with escaped user text', async () => {
    const { out } = await run({ format: 'html' });
    expect(out).toMatch(/^<!DOCTYPE html>/);
    expect(out).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(out).toContain('look at &lt;f.py&gt; &amp; &quot;fix&quot;');
    expect(out).not.toContain('<f.py>');
    expect(out.match(/<section class="instance"/g)).toHaveLength(IDS.length);
    expect(out.match(/<svg /g)!.length).toBe(6 * 2);
  });
});
