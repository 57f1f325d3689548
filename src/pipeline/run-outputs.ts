import type { CellReport } from '../report/verdicts.js';
import { NO_DIMENSION, type RunLayout } from '../run-dir/layout.js';
import { readCellReport } from './cell-store.js';

/** The finished report of every predicted cell (cells without one are left out: an official error). */
export async function collectCellReports(
  layout: RunLayout,
  predictions: readonly { instance_id: string; context?: string | undefined; seed?: string | undefined }[],
): Promise<CellReport[]> {
  const reports: CellReport[] = [];
  for (const p of predictions) {
    const cell = { instanceId: p.instance_id, context: p.context ?? NO_DIMENSION, seed: p.seed ?? NO_DIMENSION };
    const entry = await readCellReport(layout, cell);
    if (entry) reports.push({ ...cell, entry });
  }
  return reports;
}
