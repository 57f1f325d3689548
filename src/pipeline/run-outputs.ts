/** The run-level files both flows write: predictions.jsonl and the summary report.json. */
import type { SweBenchInstance } from '../dataset/schema.js';
import { buildSummary } from '../report/build-summary.js';
import type { Summary } from '../report/summary-schema.js';
import type { CellReport } from '../report/verdicts.js';
import { NO_DIMENSION, type RunLayout } from '../run-dir/layout.js';
import type { RunSpec } from '../run-dir/run-spec.js';
import type { Prediction } from '../run-dir/schemas.js';
import { readCellReport } from './cell-store.js';

/** SWE-bench format (plus context and seed, when set), one line each, in the order given. */
export async function writePredictionsFile(layout: RunLayout, predictions: readonly Prediction[]): Promise<void> {
  await layout.writeFile(layout.predictions, predictions.map((p) => JSON.stringify(p)).join('\n') + (predictions.length ? '\n' : ''));
}

/** Build the summary from every predicted cell's finished report and write it as report.json. */
export async function writeRunSummary(
  layout: RunLayout,
  manifest: RunSpec,
  instances: readonly SweBenchInstance[],
  predictions: readonly Prediction[],
): Promise<Summary> {
  const summary = buildSummary({ manifest, rows: instances, predictions, cells: await collectCellReports(layout, predictions) });
  await layout.writeJson(layout.summary, summary);
  return summary;
}

/** The finished report of every predicted cell (cells without one are left out: an official error). */
async function collectCellReports(layout: RunLayout, predictions: readonly Prediction[]): Promise<CellReport[]> {
  const reports: CellReport[] = [];
  for (const p of predictions) {
    const cell = { instanceId: p.instance_id, context: p.context ?? NO_DIMENSION, seed: p.seed ?? NO_DIMENSION };
    const entry = await readCellReport(layout, cell);
    if (entry) reports.push({ ...cell, entry });
  }
  return reports;
}
