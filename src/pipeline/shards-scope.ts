/** The cell filter a shard worker hands to the run and evaluate flows (no filter: every cell). */
import type { SweBenchInstance } from '../dataset/schema.js';
import { cellId, type CellKey } from '../run-dir/layout.js';

export function inScope(cells: ReadonlySet<string> | undefined, cell: CellKey): boolean {
  return cells === undefined || cells.has(cellId(cell));
}

/**
 * The instances a (shard's) summary covers: all of them without a filter, else those with a cell in
 * it, so a shard's report.json does not count other shards' instances as incomplete.
 */
export function scopedInstances(
  instances: readonly SweBenchInstance[],
  cells: ReadonlySet<string> | undefined,
  idsInScope: readonly string[],
): readonly SweBenchInstance[] {
  if (cells === undefined) return instances;
  const ids = new Set(idsInScope);
  return instances.filter((row) => ids.has(row.instance_id));
}
