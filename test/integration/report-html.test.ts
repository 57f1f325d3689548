/**
 * Opens the HTML report in headless Chromium (/usr/bin/chromium) and checks, on the DOM after the
 * page's script ran, that the charts and an instance page render, that user text stayed text, and
 * that the page logged nothing to the console (it logs nothing when healthy).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/report/report-command.js';
import type { HistoryEntry } from '../../src/report/nightly-history.js';
import { writeRunDir, type FixtureCell } from '../support/run-dir-fixture.js';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const IDS = ['django__django-11099', 'sympy__sympy-20590', 'sphinx-doc__sphinx-8595'];
const HOSTILE = '<script>document.title="pwned"</script><img src=x onerror=alert(1)>';

let dir: string;
let htmlFile: string;

async function openInChromium(url: string): Promise<{ dom: string; console: string[] }> {
  const profile = await mkdtemp(path.join(dir, 'profile-'));
  const { stdout, stderr } = await run(
    CHROMIUM,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0',
      '--virtual-time-budget=2000', '--dump-dom', url,
    ],
    { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return { dom: stdout, console: stderr.split('\n').filter((line) => line.includes(':CONSOLE')) };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'report-html-'));
  const cells: FixtureCell[] = [];
  for (const context of ['32k', '64k'])
    for (const seed of ['1', '2'])
      IDS.forEach((instanceId, i) =>
        cells.push({ instanceId, context, seed, outcome: (i + Number(seed)) % 2 === 0 ? 'resolved' : 'unresolved', steps: 3, thought: HOSTILE }),
      );
  const runDir = await writeRunDir(path.join(dir, 'run'), { instanceIds: IDS, cells, contexts: ['32k', '64k'], seeds: ['1', '2'] });
  const history: HistoryEntry[] = [40, 42, 41].map((mean, night) => ({
    format: 'sera-eval.nightly/1', at: `2026-01-0${night + 1}T03:00:00Z`, run_id: `nightly-${night}`, model: 'm', baseline_run_id: 'b',
    passed: true, regressions: [], rates: [{ repo: 'All', context: '32k', mean, std: 1, seeds: 2 }],
  }));
  const historyFile = path.join(dir, 'history.jsonl');
  await writeFile(historyFile, history.map((h) => JSON.stringify(h)).join('\n'));
  let html = '';
  const code = await reportCommand({ runDir, format: 'html', history: historyFile }, { stdout: { write: (s: string) => (html += s) }, stderr: process.stderr });
  expect(code).toBe(0);
  htmlFile = path.join(dir, 'report.html');
  await writeFile(htmlFile, html);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('HTML report in headless Chromium', () => {
  it('renders the overview with one chart per repository × context and the trend, without console output', async () => {
    const { dom, console } = await openInChromium(`file://${htmlFile}`);
    expect(console).toEqual([]);
    expect(dom).toMatch(/<body[^>]*data-ready="1"/);
    const charts = dom.slice(dom.indexOf('id="charts"'), dom.indexOf('<h2>Nightly trend'));
    // Django, SymPy, Sphinx and All, at 32k and 64k
    expect(charts.match(/<svg /g)).toHaveLength(8);
    expect(charts.match(/<rect class="bar"/g)!.length).toBeGreaterThan(0);
    expect(dom).toMatch(/<polyline class="trend s0" points="[\d., ]+"/);
    expect(dom).toContain('Django · 32k');
    expect(dom.match(/<tr>/g)!.length).toBeGreaterThanOrEqual(IDS.length);
  }, 180_000);

  it('shows one instance page for a fragment, with verdicts, tests, the coloured patch and the escaped trajectory', async () => {
    const { dom, console } = await openInChromium(`file://${htmlFile}#inst-1`);
    expect(console).toEqual([]);
    expect(dom).toMatch(/<body[^>]*class="instance-view"/);
    const sections = dom.match(/<section class="instance"[^>]*>/g)!;
    expect(sections).toHaveLength(IDS.length);
    const shown = sections.filter((s) => !/\shidden/.test(s));
    expect(shown).toEqual(['<section class="instance" id="inst-1" data-instance="sympy__sympy-20590">']);
    const page = dom.slice(dom.indexOf('id="inst-1"'), dom.indexOf('id="inst-2"'));
    expect(page.match(/<article class="cell">/g)).toHaveLength(4);
    expect(page).toContain('class="verdict v-resolved"');
    expect(page).toContain('FAIL_TO_PASS');
    expect(page).toContain('<span class="d-add">+x = 2</span>');
    expect(page).toContain('&lt;script&gt;document.title="pwned"&lt;/script&gt;');
    // the hostile thought stayed text: the only script is the report's own, and the title is unchanged
    expect(dom.match(/<script>/g)).toHaveLength(1);
    expect(dom).not.toContain('<title>pwned');
    expect(dom).not.toMatch(/<img /);
  }, 180_000);
});
