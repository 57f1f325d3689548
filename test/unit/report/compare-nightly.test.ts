import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSummary } from '../../../src/report/build-summary.js';
import { compareCommand } from '../../../src/report/compare-command.js';
import { loadRun } from '../../../src/report/load-run.js';
import { nightlyCommand } from '../../../src/report/nightly-command.js';
import { readHistory } from '../../../src/report/nightly-history.js';
import { writeRunDir, type FixtureCell } from '../../support/run-dir-fixture.js';

const IDS = Array.from({ length: 20 }, (_, i) => `django__django-${100 + i}`);
let dir: string;

/** A run where seed s resolves the first resolvedBySeed[s] instances. */
async function run(name: string, resolvedBySeed: number[], extra: Partial<Parameters<typeof writeRunDir>[1]> = {}): Promise<string> {
  const seeds = resolvedBySeed.map((_, i) => String(i + 1));
  const ids = extra.instanceIds ?? IDS;
  const cells: FixtureCell[] = seeds.flatMap((seed, s) =>
    ids.map((instanceId, i) => ({ instanceId, context: '32k', seed, outcome: i < resolvedBySeed[s]! ? ('resolved' as const) : ('unresolved' as const) })),
  );
  return writeRunDir(path.join(dir, name), { instanceIds: ids, cells, contexts: ['32k'], seeds, ...extra });
}

function io(): { out: () => string; err: () => string; io: Parameters<typeof compareCommand>[1] } {
  let out = '';
  let err = '';
  return { out: () => out, err: () => err, io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } } };
}

let good: string;
let better: string;
let worse: string;
let slightlyWorse: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'report-compare-'));
  good = await run('good', [10, 8]); // 50 %, 40 %
  better = await run('better', [18, 16], { model: 'allenai/SERA-32B-next', instanceIds: [...IDS, 'django__django-999'] });
  worse = await run('worse', [2, 0]); // loses ids 0..7 on the majority rule
  slightlyWorse = await run('slightly-worse', [8, 8]); // 40 %, 40 %: −5 pp, 0 lost on the majority rule
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('compare', () => {
  it('computes Δ, the exact McNemar p on majority verdicts, the bootstrap CI, SNR and seeds needed', async () => {
    const t = io();
    expect(await compareCommand({ a: good, b: better, format: 'json' }, t.io)).toBe(0);
    const result = JSON.parse(t.out()) as {
      instances: number;
      warnings: string[];
      rows: { label: string; delta: number; a: { mean: number; std: number }; paired: { won: string[]; lost: string[]; pValue: number; ci: { low: number; high: number } }; snr: { snr: number; reading: string; seedsNeeded: number } }[];
    };
    expect(result.instances).toBe(20);
    const django = result.rows.find((r) => r.label === 'Django')!;
    expect(django.a.mean).toBe(45);
    expect(django.delta).toBeCloseTo(40, 10);
    // ids 8..15 go from ≤ half the seeds to all seeds; 8 and 9 (1 of 2 seeds in A) are not a majority
    expect(django.paired.won).toEqual(IDS.slice(8, 16));
    expect(django.paired.lost).toEqual([]);
    expect(django.paired.pValue).toBeCloseTo(2 / 256, 12);
    expect(django.paired.ci.low).toBeGreaterThan(0);
    expect(django.paired.ci.low).toBeLessThan(40);
    expect(django.paired.ci.high).toBeGreaterThan(40);
    expect(django.snr.snr).toBeCloseTo(40 / Math.sqrt(50), 10);
    expect(django.snr.reading).toBe('likely real');
    expect(django.snr.seedsNeeded).toBe(1);
    expect(result.warnings.join('\n')).toMatch(/0 only in A, 1 only in B/);
    // differing models are what compare is for: no warning about them
    expect(result.warnings.join('\n')).not.toMatch(/models differ/);
    expect(t.err()).toContain('warning: instance sets differ');
  });

  it('prints a table with the warning, rates and won ids', async () => {
    const t = io();
    await compareCommand({ a: good, b: better }, t.io);
    expect(t.out()).toContain('warning: instance sets differ');
    expect(t.out()).toContain('45.00 ± 7.07');
    expect(t.out()).toContain('+40.00');
    expect(t.out()).toContain(`won ${IDS.slice(8, 16).join(' ')}`);
  });

  it('exits 2 on a missing side', async () => {
    const t = io();
    expect(await compareCommand({ a: good, b: path.join(dir, 'missing') }, t.io)).toBe(2);
    expect(t.err()).toContain('missing');
  });
});

describe('nightly', () => {
  it('fails (exit 1) on a regression, with JUnit failures, a Markdown summary and a history line', async () => {
    const t = io();
    const junit = path.join(dir, 'out', 'junit.xml');
    const markdown = path.join(dir, 'out', 'summary.md');
    const history = path.join(dir, 'out', 'history.jsonl');
    const now = new Date('2026-02-01T03:00:00Z');
    const code = await nightlyCommand({ baseline: good, current: worse, junit, markdown, history, now }, t.io);
    expect(code).toBe(1);
    const xml = await readFile(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(2); // Django and All at 32k
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toContain('name="Django @ 32k"');
    expect(xml).toMatch(/dropped 40\.00 pp/);
    expect(await readFile(markdown, 'utf8')).toBe(t.out());
    expect(t.out()).toContain('## Nightly gate: FAILED');
    const entries = await readHistory(history);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ passed: false, run_id: 'worse', baseline_run_id: 'good', at: now.toISOString() });
    expect(entries[0]!.rates.find((r) => r.repo === 'All')!.mean).toBe(5);
  });

  it('passes (exit 0) when nothing dropped, and appends to the history', async () => {
    const t = io();
    const junit = path.join(dir, 'out', 'junit-pass.xml');
    const history = path.join(dir, 'out', 'history.jsonl');
    expect(await nightlyCommand({ baseline: good, current: better, junit, history }, t.io)).toBe(0);
    expect(await readFile(junit, 'utf8')).not.toContain('<failure');
    expect(t.out()).toContain('## Nightly gate: passed');
    expect(await readHistory(history)).toHaveLength(2);
  });

  it('applies --max-drop to a small, non-significant drop', async () => {
    expect(await nightlyCommand({ baseline: good, current: slightlyWorse, maxDrop: 4 }, io().io)).toBe(1);
    expect(await nightlyCommand({ baseline: good, current: slightlyWorse, maxDrop: '6' as unknown as number }, io().io)).toBe(0);
  });

  it('accepts the baseline as a report.json summary', async () => {
    const summaryFile = path.join(dir, 'good-report.json');
    await writeFile(summaryFile, JSON.stringify(buildSummary(await loadRun(good))));
    expect(await nightlyCommand({ baseline: summaryFile, current: worse }, io().io)).toBe(1);
    expect(await nightlyCommand({ baseline: summaryFile, current: good }, io().io)).toBe(0);
  });

  it('exits 2 on broken input, naming it', async () => {
    const broken = path.join(dir, 'broken-report.json');
    await writeFile(broken, JSON.stringify({ resolved_ids: 'all of them' }));
    const t = io();
    expect(await nightlyCommand({ baseline: broken, current: good }, t.io)).toBe(2);
    expect(t.err()).toContain(broken);
    expect(await nightlyCommand({ baseline: good, current: path.join(dir, 'nope') }, io().io)).toBe(2);
    expect(await nightlyCommand({ baseline: good, current: good, maxDrop: -1 }, io().io)).toBe(2);
    const other = await run('other-ids', [1], { instanceIds: ['sympy__sympy-1'] });
    const u = io();
    expect(await nightlyCommand({ baseline: good, current: other }, u.io)).toBe(2);
    expect(u.err()).toContain('share no instance');
  });
});
