import { readFile } from 'node:fs/promises';
import type { CellKey, RunLayout } from '../run-dir/layout.js';
import { InstanceReportSchema, type InstanceReportEntry } from '../run-dir/schemas.js';

/**
 * The finished grading of a cell, if a previous run left one whose inputs are the same. An
 * infrastructure failure is never reused: resume exists to redo exactly those.
 */
export async function reusableReport(layout: RunLayout, cell: CellKey, inputSha: string): Promise<InstanceReportEntry | null> {
  const entry = await readCellReport(layout, cell);
  if (!entry) return null;
  if (entry.sera_eval.outcome === 'infrastructure') return null;
  return entry.sera_eval.input_sha256 === inputSha ? entry : null;
}

export async function readCellReport(layout: RunLayout, cell: CellKey): Promise<InstanceReportEntry | null> {
  let text: string;
  try {
    text = await readFile(layout.instanceReport(cell), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = InstanceReportSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data[cell.instanceId] ?? null) : null;
  } catch {
    // a report that does not parse was not written by a finished cell (writes are atomic)
    return null;
  }
}

export interface CellFiles {
  patch: string;
  evalScript: string | null;
  testOutput: string | null;
  entry: InstanceReportEntry;
}

/** report.json is written last: its presence is what marks the cell as finished. */
export async function writeCellFiles(layout: RunLayout, cell: CellKey, files: CellFiles): Promise<void> {
  await layout.writeFile(layout.patch(cell), files.patch);
  if (files.evalScript !== null) await layout.writeFile(layout.evalScript(cell), files.evalScript);
  if (files.testOutput !== null) await layout.writeFile(layout.testOutput(cell), files.testOutput);
  await layout.writeJson(layout.instanceReport(cell), { [cell.instanceId]: files.entry });
}
