/**
 * The HTML report of a full-size study opens: a generated 500 × 2 × 3 run whose 100-step trajectories
 * have 64K-sized histories (where one self-contained page was RangeError: Invalid string length) is
 * written as an index page and one page per instance; the index stays under 5 MB, and it and an
 * instance page open in headless Chromium with nothing on the console.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/report/report-command.js';
import { CHROMIUM, openInChromium } from '../support/chromium.js';
import { writeRealisticRun } from '../support/realistic-run.js';

const INSTANCES = Array.from({ length: 500 }, (_, i) => `django__django-${11000 + i}`);
let dir: string;
let outDir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-system.sh chromium`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'report-html-large-'));
  const { root } = await writeRealisticRun(path.join(dir, 'run'), {
    instanceIds: INSTANCES,
    contexts: ['32k', '64k'],
    seeds: ['1', '2', '3'],
    steps: 100,
    historyTokens: () => 64000,
  });
  outDir = path.join(dir, 'html');
  let stderr = '';
  const code = await reportCommand({ runDir: root, format: 'html', outDir }, { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) } });
  expect(stderr).toBe('');
  expect(code).toBe(0);
}, 1_200_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('HTML report of a 3,000-cell run with 64K-sized histories', () => {
  it('is an index under 5 MB and one page per instance', () => {
    expect(statSync(path.join(outDir, 'index.html')).size).toBeLessThan(5e6);
    expect(readdirSync(path.join(outDir, 'instances'))).toHaveLength(INSTANCES.length);
  });

  it('opens the index in headless Chromium with every instance listed and nothing on the console', async () => {
    const { dom, console } = await openInChromium(`file://${path.join(outDir, 'index.html')}`, dir);
    expect(console).toEqual([]);
    expect(dom).toMatch(/<body[^>]*data-ready="1"/);
    const list = dom.slice(dom.indexOf('id="instance-table"'));
    expect(list.match(/<a href="instances\/inst-\d+\.html">/g)).toHaveLength(INSTANCES.length);
  }, 600_000);

  it('opens an instance page with its six cells and their trajectories, nothing on the console', async () => {
    const page = path.join(outDir, 'instances', 'inst-7.html');
    const { dom, console } = await openInChromium(`file://${page}`, dir);
    expect(console).toEqual([]);
    expect(dom.match(/<article class="cell">/g)).toHaveLength(6);
    expect(dom.match(/<details class="trajectory">/g)).toHaveLength(6);
    expect(readFileSync(page, 'utf8')).toContain('href="../index.html#instances"');
  }, 600_000);
});
