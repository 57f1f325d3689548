/**
 * The gate fails closed, driven through the CLI on run directories in the real layout: a night
 * that measured nothing (the model server or the images were down) is "not measured", exit 1,
 * never "passed"; a baseline that measured nothing is exit 2.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../../src/report/nightly-history.js';
import { runCli } from '../../support/cli-runner.js';
import { writeRunDir, type FixtureCell } from '../../support/run-dir-fixture.js';

const DJANGO = Array.from({ length: 10 }, (_, i) => `django__django-${100 + i}`);
const SYMPY = Array.from({ length: 10 }, (_, i) => `sympy__sympy-${200 + i}`);
const IDS = [...DJANGO, ...SYMPY];
let dir: string;

type Outcome = FixtureCell['outcome'];

async function night(name: string, outcomeOf: (id: string, i: number) => Outcome, extra: Partial<Parameters<typeof writeRunDir>[1]> = {}): Promise<string> {
  const ids = extra.instanceIds ?? IDS;
  const cells = ids.map((instanceId, i): FixtureCell => {
    const outcome = outcomeOf(instanceId, i);
    return { instanceId, context: '32k', seed: '1', outcome, steps: 2, ...(outcome === 'infrastructure' ? { exitStatus: 'exit_infrastructure' as const } : {}) };
  });
  return writeRunDir(path.join(dir, name), { instanceIds: ids, cells, contexts: ['32k'], seeds: ['1'], ...extra });
}

const half = (_id: string, i: number): Outcome => (i % 2 === 0 ? 'resolved' : 'unresolved');
let baseline: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nightly-closed-'));
  baseline = await night('baseline', half);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('nightly fails closed', () => {
  it('an all-infrastructure night is not measured: exit 1, every JUnit case failed, history says why', async () => {
    const down = await night('server-down', () => 'infrastructure');
    const junit = path.join(dir, 'out', 'junit.xml');
    const history = path.join(dir, 'out', 'history.jsonl');
    const r = await runCli(['nightly', '--baseline', baseline, '--current', down, '--junit', junit, '--history', history]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('## Nightly gate: FAILED: not measured');
    expect(r.stdout).not.toContain('passed');
    expect(r.stdout).toMatch(/context 32k: 20 of 20 cells \(100\.0 %\) failed on infrastructure, above --max-infra 5 %/);
    expect(r.stdout).not.toContain('✅');
    const xml = await readFile(junit, 'utf8');
    expect(xml.match(/type="not_measured"/g)).toHaveLength(3); // Django, SymPy, All
    const [entry] = await readHistory(history);
    expect(entry).toMatchObject({ passed: false });
    expect(entry!.not_measured!.join(' ')).toContain('infrastructure');
  });

  it('infrastructure above --max-infra is not measured; at or below it the gate decides on the rest', async () => {
    const one = await night('one-infra', (id, i) => (i === 1 ? 'infrastructure' : half(id, i))); // 1/20 = 5 %
    expect((await runCli(['nightly', '--baseline', baseline, '--current', one])).code).toBe(0);
    const two = await night('two-infra', (id, i) => (i === 1 || i === 13 ? 'infrastructure' : half(id, i))); // 10 %
    const r = await runCli(['nightly', '--baseline', baseline, '--current', two]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('2 of 20 cells (10.0 %) failed on infrastructure');
    expect((await runCli(['nightly', '--baseline', baseline, '--current', two, '--max-infra', '10'])).code).toBe(0);
  });

  it('a run still in progress is not measured, its unfinished cells pending', async () => {
    const running = await night('running', half, { inProgress: true, cells: IDS.slice(0, 5).map((instanceId) => ({ instanceId, context: '32k', seed: '1', outcome: 'resolved' })) });
    const r = await runCli(['nightly', '--baseline', baseline, '--current', running]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('run running is incomplete: still in progress or interrupted (no final report.json); 15 of 20 cells pending');
  });

  it('fewer instances run than the baseline in a repository is not measured', async () => {
    const fewer = await night('fewer', half, { instanceIds: [...DJANGO, ...SYMPY.slice(0, 8)] });
    const r = await runCli(['nightly', '--baseline', baseline, '--current', fewer]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('sympy/sympy @ 32k: ran 8 instances, the baseline 10');
  });

  it('an unusable baseline is exit 2, naming why', async () => {
    const down = await night('baseline-down', () => 'infrastructure');
    const r = await runCli(['nightly', '--baseline', down, '--current', baseline]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/baseline .*baseline-down is unusable: .*failed on infrastructure/);
  });

  it('compare shows the same check as a warning and still compares', async () => {
    const down = await night('compare-down', () => 'infrastructure');
    const r = await runCli(['compare', baseline, down]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: B not measured: context 32k: 20 of 20 cells/);
  });

  it('compare of runs with no context in common is exit 2', async () => {
    const other = await night('other-context', half, { contexts: ['64k'], cells: IDS.map((instanceId) => ({ instanceId, context: '64k', seed: '1', outcome: 'resolved' })) });
    const r = await runCli(['compare', baseline, other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('share no context');
  });

  it('states the family and the minimum detectable drop', async () => {
    const r = await runCli(['nightly', '--baseline', baseline, '--current', baseline]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('family of 3 one-sided exact McNemar tests (1 pooled per context + 2 repository × context cells), Holm–Bonferroni at α = 0.05');
    expect(r.stdout).toContain('min. detectable drop pp');
  });
});
