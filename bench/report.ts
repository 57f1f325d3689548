/**
 * Report benchmark: a 500-instance × 2-context × 3-seed run directory (3,000 graded cells with
 * trajectories), timed through loadRun and each output format; and the `report` command itself, in
 * its own process, on a realistic run of that size (100-step trajectories with 32K- and 64K-sized
 * histories): median wall time of several runs, peak RSS and output size for table, JSON, HTML and
 * `compare`. `npm run bench` calls
 * benchReports() and benchRealisticReports(); `tsx bench/report.ts` runs the first alone.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadRun } from '../src/report/load-run.js';
import { writeHtmlPage } from '../src/report/render-html.js';
import { renderCsv, renderJson, renderMarkdown, renderTable } from '../src/report/render-text.js';
import { buildReportView } from '../src/report/report-view.js';
import { writeRealisticRun } from '../test/support/realistic-run.js';
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
      const html = await time(async () => {
        let bytes = 0;
        await writeHtmlPage(view.value, loaded.value, {}, (text) => {
          bytes += Buffer.byteLength(text);
        });
        return bytes;
      });
      samples.html!.push(html.ms);
      htmlBytes = html.value;
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

export interface CommandResult {
  history: string;
  /** table, json or html: `report --format <format>`; compare: `compare` of the 32K run with the 64K run. */
  format: string;
  /** Median wall time of the runs. */
  wallS: number;
  /** Each run's wall time, in order. */
  wallsS: number[];
  /** The largest peak RSS over the runs. */
  peakRssMiB: number;
  /** stdout, or for html the index page. */
  outputBytes: number;
  /** html: every file of the report directory. */
  totalBytes?: number;
  /** The command's exit code and the end of its stderr when a run failed. */
  failure?: string;
}

type OneRun = Omit<CommandResult, 'history' | 'format' | 'wallsS'>;

function directoryBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(path.join(e.parentPath, e.name)).size, 0);
}

/** One `sera-eval <args>` in its own process, under /usr/bin/time for its peak RSS; stdout to `outFile`. */
async function cliProcess(args: string[], outFile: string): Promise<OneRun> {
  const timeFile = `${outFile}.time`;
  const out = openSync(outFile, 'w');
  const started = performance.now();
  let stderr = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, process.execPath, '--import', 'tsx', path.join(import.meta.dirname, '../src/cli/main.ts'), ...args], {
      stdio: ['ignore', out, 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on('exit', resolve);
  });
  const wallS = (performance.now() - started) / 1000;
  closeSync(out);
  const rssKiB = Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1));
  return {
    wallS,
    peakRssMiB: rssKiB / 1024,
    outputBytes: statSync(outFile).size,
    ...(code === 0 ? {} : { failure: `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` }),
  };
}

/** `report` in one format; html goes to a directory (--out-dir `<outFile>.d`): the index page and one page per instance. */
async function reportCommand(runDir: string, format: string, outFile: string): Promise<OneRun> {
  const outDir = `${outFile}.d`;
  const run = await cliProcess(['report', runDir, '--format', format, ...(format === 'html' ? ['--out-dir', outDir] : [])], outFile);
  if (format !== 'html' || !existsSync(outDir)) return run;
  return { ...run, outputBytes: statSync(path.join(outDir, 'index.html')).size, totalBytes: directoryBytes(outDir) };
}

/** `runs` runs of one command, each after the last one's output is removed: median wall time, largest peak RSS. */
async function repeated(runs: number, once: () => Promise<OneRun>, cleanUp: () => Promise<void>): Promise<Omit<CommandResult, 'history' | 'format'>> {
  const results: OneRun[] = [];
  for (let i = 0; i < runs; i++) {
    results.push(await once());
    await cleanUp();
  }
  const failed = results.find((r) => r.failure !== undefined);
  const last = results.at(-1)!;
  return {
    wallS: median(results.map((r) => r.wallS)),
    wallsS: results.map((r) => r.wallS),
    peakRssMiB: Math.max(...results.map((r) => r.peakRssMiB)),
    outputBytes: last.outputBytes,
    ...(last.totalBytes === undefined ? {} : { totalBytes: last.totalBytes }),
    ...(failed?.failure === undefined ? {} : { failure: failed.failure }),
  };
}

/**
 * `report` on a realistic run: `instances` × 2 contexts × 3 seeds, `steps`-step trajectories, once with
 * every history 32K-sized and once 64K-sized; each format `runs` times, each run a fresh process; then
 * `compare` of the two runs (it reads both as `report` does).
 */
export async function benchRealisticReports(
  options: { instances?: number; steps?: number; runs?: number } = {},
): Promise<{ results: CommandResult[]; detail: string; baselineRssMiB: number; baselineWallS: number }> {
  const count = options.instances ?? 500;
  const steps = options.steps ?? 100;
  const runs = options.runs ?? 3;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-report-realistic-'));
  try {
    const { ids, dataset } = instances(count);
    const baseline = await cliProcess(['report', '--help'], path.join(dir, 'help.txt'));
    const results: CommandResult[] = [];
    const sizes: string[] = [];
    const runDirs: string[] = [];
    for (const [history, tokens] of [['32K', 32000], ['64K', 64000]] as const) {
      const runDir = path.join(dir, `run-${history}`);
      runDirs.push(runDir);
      const written = await writeRealisticRun(runDir, {
        instanceIds: ids,
        contexts: ['32k', '64k'],
        seeds: ['1', '2', '3'],
        steps,
        historyTokens: () => tokens,
        ...(dataset ? { datasetSource: dataset } : {}),
      });
      sizes.push(`${history}: ${(written.trajectoryBytes / 2 ** 30).toFixed(2)} GiB of trajectories`);
      for (const format of ['table', 'json', 'html']) {
        const outFile = path.join(dir, `out-${history}.${format}`);
        const measured = await repeated(
          runs,
          () => reportCommand(runDir, format, outFile),
          async () => {
            await rm(outFile, { force: true });
            await rm(`${outFile}.d`, { recursive: true, force: true });
          },
        );
        results.push({ history, format, ...measured });
      }
    }
    const compareOut = path.join(dir, 'out-compare.txt');
    const compared = await repeated(runs, () => cliProcess(['compare', ...runDirs], compareOut), () => rm(compareOut, { force: true }));
    results.push({ history: '32K vs 64K', format: 'compare', ...compared });
    return {
      results,
      detail: `${ids.length} instances × 2 contexts × 3 seeds, ${steps} steps per trajectory (${sizes.join(', ')}); median of ${runs} runs, peak RSS the largest`,
      baselineRssMiB: baseline.peakRssMiB,
      baselineWallS: baseline.wallS,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await benchReports()) console.log(`${r.name.padEnd(40)} median ${r.medianMs.toFixed(1).padStart(8)} ms  (${r.runs} runs; ${r.detail})`);
}
