/**
 * Re-running recorded rollouts: read `.traj.json` files (and the run.json of the run that wrote
 * them, when they sit in a run directory), turn their model turns into a replay script, and after
 * the replayed run compare each new patch with the recorded submission.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { conversationFromTrajectory, type ReplayScript } from '../model/replay-script.js';
import { InputError } from '../errors.js';
import type { RunLayout } from '../run-dir/layout.js';
import type { RunSpec } from '../run-dir/run-spec.js';
import { parseRunSpec } from '../run-dir/run-spec-file.js';
import { InstanceReportSchema, TrajectorySchema, type Outcome, type Trajectory } from '../run-dir/schemas.js';

export interface RecordedRollout {
  file: string;
  trajectory: Trajectory;
  /** run.json of the run directory holding the file (`<run>/trajectories/<ctx>/<seed>/<id>.traj.json`), if any. */
  manifest: RunSpec | null;
}

/** @throws InputError naming the file that is not a readable sera-eval trajectory */
export async function readRecordedRollout(file: string): Promise<RecordedRollout> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: not a readable trajectory (${(err as Error).message})`);
  }
  const parsed = TrajectorySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}: not a sera-eval trajectory: field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const trajectory = parsed.data;
  if (trajectory.steps.length === 0) {
    throw new InputError(`${file}: the rollout has no model turns to replay (exit_status ${trajectory.exit_status})`);
  }
  return { file, trajectory, manifest: await manifestBeside(file) };
}

async function manifestBeside(file: string): Promise<RunSpec | null> {
  const manifestFile = path.join(path.dirname(path.resolve(file)), '..', '..', '..', 'run.json');
  let text: string;
  try {
    text = await readFile(manifestFile, 'utf8');
  } catch {
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${manifestFile}: not a sera-eval run.json: ${(err as Error).message}`);
  }
  return parseRunSpec(manifestFile, value).spec;
}

/** The one context and seed all replayed rollouts share, so they make one run's cells. @throws InputError */
export function sharedCell(recorded: readonly RecordedRollout[]): { context: string; seed: string } {
  const first = recorded[0];
  if (!first) throw new InputError('replay: give at least one .traj.json file');
  const seen = new Set<string>();
  for (const { file, trajectory } of recorded) {
    if (trajectory.context !== first.trajectory.context || trajectory.seed !== first.trajectory.seed) {
      throw new InputError(
        `${file}: recorded at context ${trajectory.context} seed ${trajectory.seed}, but ${first.file} at context ` +
          `${first.trajectory.context} seed ${first.trajectory.seed}; replay them in separate runs`,
      );
    }
    if (seen.has(trajectory.instance_id)) throw new InputError(`${file}: a second trajectory for ${trajectory.instance_id}`);
    seen.add(trajectory.instance_id);
  }
  return { context: first.trajectory.context, seed: first.trajectory.seed };
}

/** Serves each recorded rollout's turns under the recorded model's name. */
export function replayScriptFor(recorded: readonly RecordedRollout[], maxModelLen: number): ReplayScript {
  return {
    model: recorded[0]?.trajectory.model ?? 'sera-replay',
    max_model_len: maxModelLen,
    conversations: recorded.map((r) => conversationFromTrajectory(r.trajectory)),
  };
}

export interface ReplayComparison {
  instanceId: string;
  samePatch: boolean;
  recordedBytes: number;
  replayedBytes: number;
  recordedExit: string;
  replayedExit: string;
  outcome: Outcome | 'not graded';
}

/** Reads the replayed run's trajectory and grading report for each recorded rollout. */
export async function compareReplays(recorded: readonly RecordedRollout[], layout: RunLayout): Promise<ReplayComparison[]> {
  const comparisons: ReplayComparison[] = [];
  for (const { trajectory: original } of recorded) {
    const cell = { instanceId: original.instance_id, context: original.context, seed: original.seed };
    const replayed = TrajectorySchema.parse(JSON.parse(await readFile(layout.trajectory(cell), 'utf8')));
    comparisons.push({
      instanceId: original.instance_id,
      samePatch: replayed.submission === original.submission,
      recordedBytes: Buffer.byteLength(original.submission),
      replayedBytes: Buffer.byteLength(replayed.submission),
      recordedExit: original.exit_status,
      replayedExit: replayed.exit_status,
      outcome: await outcomeOf(layout, cell),
    });
  }
  return comparisons;
}

async function outcomeOf(layout: RunLayout, cell: { instanceId: string; context: string; seed: string }): Promise<Outcome | 'not graded'> {
  let text: string;
  try {
    text = await readFile(layout.instanceReport(cell), 'utf8');
  } catch {
    return 'not graded';
  }
  return InstanceReportSchema.parse(JSON.parse(text))[cell.instanceId]?.sera_eval.outcome ?? 'not graded';
}

export function renderComparison(c: ReplayComparison): string {
  const patch = c.samePatch
    ? `patch identical to the recorded submission (${c.replayedBytes} bytes)`
    : `patch DIFFERS from the recorded submission (recorded ${c.recordedBytes} bytes, replayed ${c.replayedBytes} bytes)`;
  const exit = c.replayedExit === c.recordedExit ? c.replayedExit : `${c.replayedExit} (recorded ${c.recordedExit})`;
  return `${c.instanceId}: ${patch}; exit ${exit}; verdict ${c.outcome}\n`;
}
