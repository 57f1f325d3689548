/**
 * Report benchmark: a 500-instance × 2-context × 3-seed run directory (3,000 graded cells with
 * trajectories), timed through loadRun and each output format. `npm run bench` calls
 * benchReports(); `tsx bench/report.ts` runs it alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadRun } from '../src/report/load-run.js';
import { renderHtml } from '../src/report/render-html.js';
import { renderCsv, renderJson, renderMarkdown, renderTable } from '../src/report/render-text.js';
import { buildReportView } from '../src/report/report-view.js';
import { simulatedCells, writeRunDir } from '../test/support/run-dir-fixture.js';
import { VERIFIED_JSONL } from '../test/support/shared-datasets.js';
import { median } from './stats.js';

export interface BenchResult {
  name: string;
  medianMs: number;
  runs: number;
  detail: string;
}

const DATASET = VERIFIED_JSONL;


/** Verified ids and gold patches when the dataset is there (recall then parses real patches), else synthetic ids. */
function instances(count: number): { ids: string[]; gold: Map<string, string>; dataset: string | undefined } {
  if (!existsSync(DATASET)) {
    return { ids: Array.from({ length: count }, (_, i) => `django__django-${10000 + i}`), gold: new Map(), dataset: undefined };
  }
  const rows = readFileSync(DATASET, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .slice(0, count)
    .map((line) => JSON.parse(line) as { instance_id: string; patch: string });
  return { ids: rows.map((r) => r.instance_id), gold: new Map(rows.map((r) => [r.instance_id, r.patch])), dataset: DATASET };
}

async function time<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

export async function benchReports(options: { instances?: number; runs?: number; steps?: number } = {}): Promise<BenchResult[]> {
  const count = options.instances ?? 500;
  const runs = options.runs ?? 5;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-report-'));
  try {
    const { ids, gold, dataset } = instances(count);
    const cells = simulatedCells({
      instanceIds: ids,
      contexts: ['32k', '64k'],
      seeds: ['1', '2', '3'],
      resolveShare: (_id, context) => (context === '32k' ? 0.45 : 0.5),
      steps: options.steps ?? 10,
    }).map((cell) => (cell.outcome === 'resolved' && gold.has(cell.instanceId) ? { ...cell, patch: gold.get(cell.instanceId) as string } : cell));
    const runDir = await writeRunDir(path.join(dir, 'bench-run'), {
      instanceIds: ids,
      cells,
      contexts: ['32k', '64k'],
      seeds: ['1', '2', '3'],
      ...(dataset ? { datasetSource: dataset } : {}),
    });
    const samples: Record<string, number[]> = { loadRun: [], 'view (summary, rates, recall)': [], table: [], json: [], markdown: [], csv: [], html: [] };
    let htmlBytes = 0;
    for (let i = 0; i < runs; i++) {
      const loaded = await time(() => loadRun(runDir));
      const view = await time(() => buildReportView(loaded.value));
      samples.loadRun!.push(loaded.ms);
      samples['view (summary, rates, recall)']!.push(view.ms);
      samples.table!.push((await time(() => renderTable(view.value))).ms);
      samples.json!.push((await time(() => renderJson(view.value))).ms);
      samples.markdown!.push((await time(() => renderMarkdown(view.value))).ms);
      samples.csv!.push((await time(() => renderCsv(view.value))).ms);
      const html = await time(() => renderHtml(view.value, loaded.value));
      samples.html!.push(html.ms);
      htmlBytes = Buffer.byteLength(html.value);
    }
    const detail = `${ids.length} instances × 2 contexts × 3 seeds = ${cells.length} cells, ${options.steps ?? 10} steps per trajectory`;
    return Object.entries(samples).map(([name, values]) => ({
      name: `report: ${name}`,
      medianMs: median(values),
      runs,
      detail: name === 'html' ? `${detail}; ${(htmlBytes / 1e6).toFixed(1)} MB` : detail,
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await benchReports()) console.log(`${r.name.padEnd(40)} median ${r.medianMs.toFixed(1).padStart(8)} ms  (${r.runs} runs; ${r.detail})`);
}
