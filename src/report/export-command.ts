/**
 * `sera-eval export RUN_DIR --format swebench|hf-eval-results`: a run in the shapes others read.
 *
 * swebench: the official harness's layout, logs/run_evaluation/<run_id>/<model with / → __>/<id>/
 * with report.json (the official keys only) and test_output.txt, patch.diff and eval.sh when the
 * run has them (SWE-bench swebench/harness/constants/__init__.py RUN_EVALUATION_LOG_DIR, LOG_REPORT,
 * LOG_TEST_OUTPUT; reporting.py:60-66 for the model directory), plus all_preds.jsonl and the
 * official summary <model>.<run_id>.json, as the SWE-bench experiments repository takes them.
 * One (context, seed) cell per export: the official layout has no such dimensions.
 *
 * hf-eval-results: one entry of a Hugging Face model repo's .eval_results/*.yaml (dataset id,
 * task id, value, date, source, notes); the value is the official rate.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../run-dir/atomic-write.js';
import { NO_DIMENSION, RunLayout } from '../run-dir/layout.js';
import { buildSummary } from './build-summary.js';
import { EXIT_OK, parseArgs, withInputErrors } from './command-io.js';
import type { Io } from '../io.js';
import { loadRun, type RunData } from './load-run.js';
import { ALL_REPOS, formatRate, repoRates } from './rates.js';
import { cellVerdicts } from './verdicts.js';

export const ExportArgsSchema = z.object({
  runDir: z.string().min(1),
  format: z.enum(['swebench', 'hf-eval-results']),
  output: z.string().min(1).optional().describe('where to write; default <run-dir>/export/<format>'),
  context: z.string().optional().describe('the context to export when the run has several'),
  seed: z.string().optional().describe('swebench: the seed to export when the run has several'),
  datasetId: z.string().optional().describe('hf-eval-results: Hub dataset id; default from an hf: dataset source'),
  taskId: z.string().default('default'),
  sourceUrl: z.string().url().optional(),
  sourceName: z.string().optional(),
});
export type ExportArgs = z.input<typeof ExportArgsSchema>;

function pick(flag: string, given: string | undefined, available: readonly string[]): string {
  if (given !== undefined) {
    if (!available.includes(given)) throw new InputError(`export: ${flag} ${given}: the run has ${available.join(', ')}`);
    return given;
  }
  if (available.length === 1) return available[0] as string;
  throw new InputError(`export: the run has several values for ${flag} (${available.join(', ')}); choose one with ${flag}`);
}

const officialModelDir = (model: string): string => model.replace(/\//g, '__');

async function exportSwebench(run: RunData, outDir: string, context: string, seed: string): Promise<string> {
  const layout = new RunLayout(run.root);
  const model = run.manifest.model_name_or_path;
  const runId = run.manifest.contexts.length > 1 || run.manifest.seeds.length > 1 ? `${run.manifest.run_id}.${context}.${seed}` : run.manifest.run_id;
  const logDir = path.join(outDir, 'logs', 'run_evaluation', runId, officialModelDir(model));
  for (const cell of run.cells.filter((c) => c.context === context && c.seed === seed)) {
    const dir = path.join(logDir, cell.instanceId);
    await mkdir(dir, { recursive: true });
    const { sera_eval: _ours, ...official } = cell.entry;
    await writeFileAtomic(path.join(dir, 'report.json'), `${JSON.stringify({ [cell.instanceId]: official }, null, 4)}\n`);
    for (const [from, name] of [[layout.testOutput(cell), 'test_output.txt'], [layout.patch(cell), 'patch.diff'], [layout.evalScript(cell), 'eval.sh']] as const) {
      if (existsSync(from)) await copyFile(from, path.join(dir, name));
    }
  }
  const predictions = run.predictions
    .filter((p) => (p.context ?? NO_DIMENSION) === context && (p.seed ?? NO_DIMENSION) === seed)
    .map((p) => JSON.stringify({ instance_id: p.instance_id, model_name_or_path: model, model_patch: p.model_patch }));
  await writeFileAtomic(path.join(outDir, 'all_preds.jsonl'), predictions.map((l) => `${l}\n`).join(''));
  const summary = buildSummary(run);
  const cell = summary.cells.find((c) => c.context === context && c.seed === seed);
  if (cell) {
    const { context: _c, seed: _s, ...official } = cell;
    await writeFileAtomic(path.join(outDir, `${officialModelDir(model)}.${runId}.json`), `${JSON.stringify(official, null, 4)}\n`);
  }
  return logDir;
}

const yamlString = (text: string): string => JSON.stringify(text);

function hfDatasetId(run: RunData, given: string | undefined): string {
  if (given !== undefined) return given;
  const hf = /^hf:([^:]+)/.exec(run.manifest.benchmark.dataset.source);
  if (hf) return hf[1] as string;
  throw new InputError(`export: --dataset-id: the run's dataset ${run.manifest.benchmark.dataset.source} is a file; give the Hub dataset id, e.g. princeton-nlp/SWE-bench_Verified`);
}

function hfEntry(run: RunData, context: string, options: z.output<typeof ExportArgsSchema>): string {
  const verdicts = cellVerdicts(run);
  const all = repoRates(verdicts, { contexts: [context], seeds: run.manifest.seeds }).find((r) => r.repo === ALL_REPOS);
  const rate = all?.contexts.find((c) => c.context === context);
  if (!rate || rate.official.mean === undefined) throw new InputError(`export: the run has no graded cell at context ${context}`);
  if (rate.pending > 0) throw new InputError(`export: the run is still in progress (${rate.pending} cells pending); export a finished run`);
  const seeds = rate.seeds.length;
  const notes =
    `official resolve rate (infrastructure failures counted as not resolved), ${rate.resolved}/${rate.measured} cells` +
    `${context === NO_DIMENSION ? '' : `, context ${context}`}${seeds > 1 ? `, mean over ${seeds} seeds (${formatRate(rate.official)})` : ''}` +
    `; ${run.manifest.model_name_or_path}; sera-eval ${run.manifest.versions['sera-eval'] ?? 'unknown'}`;
  const lines = [
    '- dataset:',
    `    id: ${yamlString(hfDatasetId(run, options.datasetId))}`,
    `    task_id: ${yamlString(options.taskId)}`,
    ...(run.manifest.benchmark.dataset.revision ? [`    revision: ${yamlString(run.manifest.benchmark.dataset.revision)}`] : []),
    `  value: ${rate.official.mean.toFixed(2)}`,
    `  date: ${yamlString(run.manifest.created_at)}`,
    ...(options.sourceUrl
      ? ['  source:', `    url: ${yamlString(options.sourceUrl)}`, ...(options.sourceName ? [`    name: ${yamlString(options.sourceName)}`] : [])]
      : []),
    `  notes: ${yamlString(notes)}`,
  ];
  return `${lines.join('\n')}\n`;
}

export async function exportCommand(args: ExportArgs, io: Io): Promise<number> {
  return withInputErrors(io, async () => {
    const options = parseArgs(ExportArgsSchema, args, 'export');
    const run = await loadRun(options.runDir);
    const contexts = [...new Set([...run.manifest.contexts, ...run.cells.map((c) => c.context)])];
    const context = pick('--context', options.context, contexts.length > 0 ? contexts : [NO_DIMENSION]);
    const out = options.output ?? path.join(options.runDir, 'export', options.format);
    if (options.format === 'swebench') {
      if (run.inProgress) throw new InputError(`export: ${options.runDir} is still in progress or was interrupted; export a finished run`);
      const seeds = [...new Set([...run.manifest.seeds, ...run.cells.map((c) => c.seed)])];
      const seed = pick('--seed', options.seed, seeds.length > 0 ? seeds : [NO_DIMENSION]);
      const logDir = await exportSwebench(run, out, context, seed);
      io.stdout.write(`wrote ${logDir}\nwrote ${path.join(out, 'all_preds.jsonl')}\n`);
    } else {
      const file = out.endsWith('.yaml') ? out : path.join(out, '.eval_results', `${options.taskId === 'default' ? 'swe_bench' : options.taskId}.yaml`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, hfEntry(run, context, options));
      io.stdout.write(`wrote ${file}\n`);
    }
    return EXIT_OK;
  });
}
