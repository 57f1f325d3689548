/**
 * A run to compare, from either a run directory or its summary report.json: enough to know each
 * cell's verdict, which is all comparisons and the nightly gate need.
 */
import { existsSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { verdictsFromSummary, buildSummary } from './build-summary.js';
import { loadRun } from './load-run.js';
import { readJsonFile } from './read-validated.js';
import { SummarySchema } from './summary-schema.js';
import { cellVerdicts, type CellVerdict } from './verdicts.js';

export interface RunSource {
  /** The path the user gave. */
  path: string;
  runId: string;
  model: string;
  /** Tool versions from run.json; empty when only a report.json was given. */
  versions: Record<string, string>;
  contexts: string[];
  seeds: string[];
  verdicts: CellVerdict[];
  /** No final summary yet (a run directory still going or interrupted); a report.json is always final. */
  inProgress: boolean;
}

export async function loadRunSource(pathArg: string): Promise<RunSource> {
  if (!existsSync(pathArg)) throw new InputError(`${pathArg}: no such run directory or report.json`);
  if (statSync(pathArg).isDirectory()) {
    const run = await loadRun(pathArg);
    const summary = buildSummary(run);
    return {
      path: pathArg,
      runId: run.manifest.run_id,
      model: run.manifest.model_name_or_path,
      versions: run.manifest.versions,
      contexts: summary.contexts,
      seeds: summary.seeds,
      verdicts: cellVerdicts(run),
      inProgress: run.inProgress,
    };
  }
  const summary = await readJsonFile(pathArg, SummarySchema, 'a sera-eval summary report.json (format sera-eval.summary/1)');
  return {
    path: pathArg,
    runId: summary.run_id,
    model: summary.model_name_or_path,
    versions: {},
    contexts: summary.contexts,
    seeds: summary.seeds,
    verdicts: verdictsFromSummary(summary),
    inProgress: false,
  };
}
