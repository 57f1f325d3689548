/**
 * evaluation/<ctx>/<seed>/<id>/cell.json: the few facts of a rollout a report needs (exit status,
 * steps, token and time totals), written when the cell finishes, so `report`, `compare` and `nightly`
 * read a few hundred bytes per cell instead of every trajectory whole. Runs written before this file
 * existed get the same record built from their trajectory (`cellSummaryOf`).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.js';
import type { CellKey, RunLayout } from './layout.js';
import { TrajectorySchema, type Trajectory } from './schemas.js';

export const RolloutSummarySchema = z.object({
  model: z.string(),
  exit_status: z.string().min(1).describe("the scaffold's own word (SERA: ExitStatusSchema)"),
  autosubmitted: z.boolean(),
  steps: z.number().int().describe('model calls recorded, requeries included'),
  stats: TrajectorySchema.shape.stats,
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type RolloutSummary = z.infer<typeof RolloutSummarySchema>;

export const CellSummarySchema = z.object({
  format: z.literal('sera-eval.cell-summary/1'),
  instance_id: z.string(),
  context: z.string(),
  seed: z.string(),
  rollout: RolloutSummarySchema,
});
export type CellSummary = z.infer<typeof CellSummarySchema>;

export function cellSummaryOf(trajectory: Trajectory): CellSummary {
  return {
    format: 'sera-eval.cell-summary/1',
    instance_id: trajectory.instance_id,
    context: trajectory.context,
    seed: trajectory.seed,
    rollout: {
      model: trajectory.model,
      exit_status: trajectory.exit_status,
      autosubmitted: trajectory.autosubmitted,
      steps: trajectory.steps.length,
      stats: trajectory.stats,
      error: trajectory.error,
    },
  };
}

export async function writeCellSummary(layout: RunLayout, cell: CellKey, trajectory: Trajectory): Promise<void> {
  await layout.writeJson(layout.cellSummary(cell), cellSummaryOf(trajectory));
}

/**
 * The cell's summary: its cell.json, or, for a run written before cell.json existed (or a cell whose
 * rollout finished but whose grading did not), one built from its trajectory. null when the cell has
 * no finished trajectory.
 * @throws InputError naming the file and field when a cell.json or trajectory is not what it should be
 */
export async function readCellSummary(layout: RunLayout, cell: CellKey): Promise<CellSummary | null> {
  const summary = await readJson(layout.cellSummary(cell));
  if (summary !== undefined) return parse(layout.cellSummary(cell), CellSummarySchema, summary);
  const trajectory = await readJson(layout.trajectory(cell));
  if (trajectory === undefined) return null;
  return cellSummaryOf(parse(layout.trajectory(cell), TrajectorySchema, trajectory));
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  // one call: fs/promises' readFile takes four thread-pool round trips, and a report reads 3,000 of these
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not JSON (${(err as Error).message})`);
  }
}

function parse<T>(file: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InputError(`${file}: field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}
