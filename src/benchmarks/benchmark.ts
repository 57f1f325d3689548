/**
 * A benchmark as a plugin: what its rows look like, where its datasets are, which image each row
 * runs in, what the agent sees, and how a row is graded. The pipeline asks every selected row for
 * its grading plan before the first rollout, so a row the benchmark cannot grade costs no GPU time.
 */
import type { z } from 'zod';
import type { AgentTask } from '../agents/agent-task.js';
import type { SweBenchInstance } from '../dataset/schema.js';
import { HarnessError } from '../errors.js';
import type { GradingPlan } from '../evaluation/grading-plan.js';

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Validates every dataset row; SWE-bench-shaped rows, extended as a benchmark needs. */
  readonly rowSchema: z.ZodType<SweBenchInstance>;
  /** Short names for `--dataset`: alias → Hugging Face id (`owner/name`) or a file path. */
  readonly datasetAliases: Readonly<Record<string, string>>;
  /** `--dataset` when none is given. */
  readonly defaultDataset: string;
  /** The image a row runs in; `template` is `--image-template` (a preset or a template with `{id}`). */
  imageFor(row: SweBenchInstance, template: string): string;
  task(row: SweBenchInstance): AgentTask;
  /** @throws UnsupportedInstanceError when this benchmark cannot grade the row. */
  gradingPlan(row: SweBenchInstance): GradingPlan;
}

export class UnsupportedInstanceError extends HarnessError {
  constructor(
    readonly instanceId: string,
    readonly reason: string,
  ) {
    super('unsupported_instance', `${instanceId}: ${reason}`);
  }
}

/** The identity helper that checks a benchmark object against the interface. */
export function defineBenchmark(benchmark: Benchmark): Benchmark {
  return benchmark;
}

/** Every SWE-bench-shaped row shows the agent the same three things. */
export function sweBenchTask(row: SweBenchInstance): AgentTask {
  return { instanceId: row.instance_id, problemStatement: row.problem_statement, baseCommit: row.base_commit };
}
