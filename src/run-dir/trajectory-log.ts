/**
 * A running rollout's trajectory as a JSON Lines step log (trajectories/<ctx>/<seed>/<id>.steps.jsonl):
 * a small header line (what the rollout is, the opening messages), then one line per model call with
 * its step and the messages it added to the conversation. Each line is one write, so a process killed
 * mid-step loses at most that step, and bytes written grow linearly with steps, where rewriting the
 * whole trajectory after every step grew quadratically. The finished `.traj.json` is written once, at
 * the end, in its documented shape (schemas.ts), and the log is then removed.
 */
import { appendFile, readFile, rm } from 'node:fs/promises';
import { z } from 'zod';
import { assertInsideRunDir } from './contained-path.js';
import type { RunLayout } from './layout.js';
import { TrajectoryStepSchema, type Trajectory } from './schemas.js';
import { asOutputWriteError } from './write-errors.js';

export const TrajectoryLogHeaderSchema = z.object({
  format: z.literal('sera-eval.trajectory-log/1'),
  instance_id: z.string(),
  context: z.string(),
  seed: z.string(),
  model: z.string(),
  sampling: z.record(z.string(), z.unknown()),
  /** The conversation before the first model call (system and instance messages). */
  messages: z.array(z.record(z.string(), z.unknown())),
});
export type TrajectoryLogHeader = z.infer<typeof TrajectoryLogHeaderSchema>;

export const TrajectoryLogEntrySchema = z.object({
  step: TrajectoryStepSchema,
  /** Messages this step appended to the conversation (assistant and tool for an action; none for a requery). */
  messages: z.array(z.record(z.string(), z.unknown())),
  /** Model-call retries so far in the rollout. */
  infrastructure_retries: z.number().int(),
});
export type TrajectoryLogEntry = z.infer<typeof TrajectoryLogEntrySchema>;

/** Where a rollout's step log goes while the agent runs. */
export interface TrajectorySink {
  start(header: TrajectoryLogHeader): Promise<void>;
  step(entry: TrajectoryLogEntry): Promise<void>;
}

/** The file operations trajectories are written through: the seam where tests and benchmarks count bytes. */
export interface TrajectoryFileWriter {
  /** Replace the file whole (atomically). */
  write(file: string, text: string): Promise<void>;
  append(file: string, text: string): Promise<void>;
  remove(file: string): Promise<void>;
}

/** Writes inside the run directory only (RunLayout.writeFile's rule); I/O failures are OutputWriteError. */
export function layoutWriter(layout: RunLayout): TrajectoryFileWriter {
  return {
    write: (file, text) => layout.writeFile(file, text),
    // No fsync per step: a killed process loses nothing the kernel accepted, and a machine crash costs a
    // rollout that resume redoes anyway. The file exists (start wrote it atomically), so it is checked
    // for containment there.
    append: async (file, text) => {
      try {
        await appendFile(file, text);
      } catch (err) {
        throw asOutputWriteError(err, file);
      }
    },
    remove: async (file) => {
      await assertInsideRunDir(layout.root, file);
      await rm(file, { force: true });
    },
  };
}

/** A sink that appends to `file`; `start` replaces whatever an interrupted earlier attempt left. */
export function fileTrajectorySink(file: string, writer: TrajectoryFileWriter): TrajectorySink {
  return {
    start: (header) => writer.write(file, `${JSON.stringify(header)}\n`),
    step: (entry) => writer.append(file, `${JSON.stringify(entry)}\n`),
  };
}

export interface TrajectoryLog {
  header: TrajectoryLogHeader;
  entries: TrajectoryLogEntry[];
}

/**
 * The step log as far as it was written, or null when there is none. A last line cut short by a kill
 * is dropped (the step it held is the one lost); any other bad line is a damaged file and is reported.
 */
export async function readTrajectoryLog(file: string): Promise<TrajectoryLog | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  const complete = lines.slice(0, -1); // what follows the last newline is empty, or a line torn by a kill
  if (complete.length === 0) return null;
  const parse = <T>(schema: z.ZodType<T>, line: string, index: number): T => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${index + 1}: not JSON; expected one step log record per line`);
    }
    const result = schema.safeParse(value);
    if (!result.success) throw new Error(`${file}:${index + 1}: ${result.error.issues[0]?.path.join('.') ?? ''}: ${result.error.issues[0]?.message ?? 'invalid'}`);
    return result.data;
  };
  const header = parse(TrajectoryLogHeaderSchema, complete[0]!, 0);
  const entries = complete.slice(1).map((line, i) => parse(TrajectoryLogEntrySchema, line, i + 1));
  return { header, entries };
}

/** What a trajectory says when its rollout has not finished: a crash leaves this. */
export const IN_PROGRESS_ERROR = { code: 'in_progress', message: 'the rollout had not finished when this was written' };

/** The trajectory as it stood after the last logged step, in the `.traj.json` shape, marked in progress. */
export function inProgressTrajectory(log: TrajectoryLog): Trajectory {
  const { header, entries } = log;
  const steps = entries.map((e) => e.step);
  const total = (pick: (s: (typeof steps)[number]) => number) => steps.reduce((sum, s) => sum + pick(s), 0);
  return {
    format: 'sera-eval.trajectory/1',
    instance_id: header.instance_id,
    context: header.context,
    seed: header.seed,
    model: header.model,
    exit_status: 'exit_error',
    autosubmitted: false,
    submission: '',
    messages: [...header.messages, ...entries.flatMap((e) => e.messages)],
    steps,
    stats: {
      model_calls: steps.length,
      prompt_tokens: total((s) => s.usage.prompt_tokens),
      completion_tokens: total((s) => s.usage.completion_tokens),
      model_time_s: total((s) => s.model_latency_s),
      tool_time_s: total((s) => s.tool_latency_s),
      wall_time_s: total((s) => s.model_latency_s + s.tool_latency_s),
      infrastructure_retries: entries.at(-1)?.infrastructure_retries ?? 0,
    },
    sampling: header.sampling,
    error: IN_PROGRESS_ERROR,
  };
}
