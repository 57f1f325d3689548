/**
 * Reports that scale: table and JSON read per-cell summaries, never trajectories; the HTML report for
 * large runs is an index page plus one page per instance, written one instance at a time.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand, type ReportArgs } from '../../../src/report/report-command.js';
import { writeCellSummary } from '../../../src/run-dir/cell-summary.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { trajectory, writeRunDir, type FixtureCell } from '../../support/run-dir-fixture.js';

let dir: string;
const IDS = ['django__django-1', 'django__django-2', 'sympy__sympy-1'];

async function report(args: Omit<ReportArgs, 'format'> & { format: ReportArgs['format'] }): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await reportCommand(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

async function makeRun(name: string): Promise<{ root: string; cells: FixtureCell[] }> {
  const cells: FixtureCell[] = [];
  for (const seed of ['1', '2']) IDS.forEach((instanceId, i) => cells.push({ instanceId, context: '32k', seed, outcome: i === 0 ? 'resolved' : 'unresolved', steps: 3 + i, thought: `thought of ${instanceId}` }));
  const root = await writeRunDir(path.join(dir, name), { instanceIds: IDS, cells, contexts: ['32k'], seeds: ['1', '2'] });
  return { root, cells };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'report-scale-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('report from cell summaries', () => {
  it('table and JSON come from cell.json: trajectories are not read, and runs without cell.json give the same numbers', async () => {
    const { root, cells } = await makeRun('summaries');
    const before = await report({ runDir: root, format: 'json' });
    expect(before.code).toBe(0);
    const layout = new RunLayout(root);
    for (const cell of cells) {
      const key = { instanceId: cell.instanceId, context: cell.context!, seed: cell.seed! };
      await writeCellSummary(layout, key, trajectory({ ...cell, ...key }, 'allenai/SERA-32B', ''));
      await writeFile(layout.trajectory(key), 'not a trajectory any more');
    }
    const after = await report({ runDir: root, format: 'json' });
    expect(after.code).toBe(0);
    expect(after.out).toBe(before.out);
    expect(JSON.parse(after.out).activity[0]).toMatchObject({ context: '32k', rollouts: 6, meanSteps: 4 });
    expect((await report({ runDir: root, format: 'table' })).code).toBe(0);
  });
});

describe('HTML report as a directory', () => {
  it('writes a small index linking one page per instance, each with its trajectories and a way back', async () => {
    const { root } = await makeRun('html-dir');
    const out = path.join(dir, 'html-out');
    const result = await report({ runDir: root, format: 'html', outDir: out });
    expect(result).toMatchObject({ code: 0, out: '' });
    const index = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(readdirSync(path.join(out, 'instances')).sort()).toEqual(['inst-0.html', 'inst-1.html', 'inst-2.html']);
    for (const i of [0, 1, 2]) expect(index).toContain(`href="instances/inst-${i}.html"`);
    expect(index).not.toContain('thought of');
    const pages = [0, 1, 2].map((i) => readFileSync(path.join(out, 'instances', `inst-${i}.html`), 'utf8'));
    const page = pages.find((p) => p.includes('data-instance="sympy__sympy-1"'))!;
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('<body class="instance-view">');
    expect(page).toContain('href="../index.html#instances"');
    expect(page.match(/thought of sympy__sympy-1/g)).toHaveLength(2 * 5);
    expect(page).not.toContain('thought of django');
  });

  it('the single page has the same sections as before, written piece by piece', async () => {
    const { root } = await makeRun('html-page');
    const { code, out } = await report({ runDir: root, format: 'html' });
    expect(code).toBe(0);
    expect(out.match(/<section class="instance"/g)).toHaveLength(3);
    expect(out).toContain('href="#inst-2"');
    expect(out).toContain('href="#instances"');
    expect(out.trimEnd()).toMatch(/<\/script><\/body><\/html>$/);
  });

  it('--out-dir with another format is bad input, exit 2, nothing written', async () => {
    const { root } = await makeRun('bad-out-dir');
    const out = path.join(dir, 'never');
    const result = await report({ runDir: root, format: 'table', outDir: out });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--out-dir .*only with --format html/);
    expect(existsSync(out)).toBe(false);
  });
});
