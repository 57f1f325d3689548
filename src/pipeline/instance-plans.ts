/**
 * Before the first rollout: every selected row gets its image, its agent task and its grading
 * plan from its benchmark, once. A row the benchmark cannot grade stops the run (exit 2, naming
 * it) unless the caller drops such rows, which run.json then records.
 */
import type { AgentTask } from '../agents/agent-task.js';
import { UnsupportedInstanceError, type Benchmark } from '../benchmarks/benchmark.js';
import type { SweBenchInstance } from '../dataset/schema.js';
import { InputError } from '../errors.js';
import type { GradingPlan } from '../evaluation/grading-plan.js';
import type { RunSpecFields } from '../run-dir/run-spec.js';

export interface PlannedInstance {
  row: SweBenchInstance;
  image: string;
  task: AgentTask;
  plan: GradingPlan;
}

export interface UnsupportedInstance {
  instance_id: string;
  reason: string;
}

export interface InstancePlans {
  planned: PlannedInstance[];
  /** Rows dropped with `skipUnsupported`; empty otherwise. */
  skipped: UnsupportedInstance[];
}

const NAMED_IN_MESSAGE = 20;

/** @throws InputError naming the unsupported rows, unless `skipUnsupported`. */
export function planInstances(
  benchmark: Benchmark,
  rows: readonly SweBenchInstance[],
  options: { imageTemplate: string; skipUnsupported: boolean },
): InstancePlans {
  const planned: PlannedInstance[] = [];
  const unsupported: UnsupportedInstance[] = [];
  for (const row of rows) {
    try {
      planned.push({ row, plan: benchmark.gradingPlan(row), image: benchmark.imageFor(row, options.imageTemplate), task: benchmark.task(row) });
    } catch (err) {
      if (!(err instanceof UnsupportedInstanceError)) throw err;
      unsupported.push({ instance_id: row.instance_id, reason: err.reason });
    }
  }
  if (unsupported.length > 0 && !options.skipUnsupported) {
    const named = unsupported.slice(0, NAMED_IN_MESSAGE).map((u) => `  ${u.instance_id}: ${u.reason}`);
    const more = unsupported.length > NAMED_IN_MESSAGE ? [`  … and ${unsupported.length - NAMED_IN_MESSAGE} more`] : [];
    throw new InputError(
      `${unsupported.length} of ${rows.length} selected instances cannot be graded by benchmark ${benchmark.name}; ` +
        `nothing was run (pass --skip-unsupported to drop them, recorded in run.json, or --benchmark for rows of another benchmark):\n` +
        [...named, ...more].join('\n'),
    );
  }
  return { planned, skipped: unsupported };
}

/** The run spec before planning: the plan fills in the benchmark's instances and the rows it dropped. */
export type UnplannedSpec = Omit<RunSpecFields, 'benchmark'> & {
  benchmark: Omit<RunSpecFields['benchmark'], 'instances' | 'unsupported_skipped'> & Partial<Pick<RunSpecFields['benchmark'], 'instances' | 'unsupported_skipped'>>;
};

/**
 * The spec with what the plan decided: each planned instance with its repo (reports read it, never
 * guess it) and, on the run card, its image; and what was dropped, and why.
 */
export function withPlan(spec: UnplannedSpec, plans: InstancePlans): RunSpecFields {
  return {
    ...spec,
    benchmark: {
      ...spec.benchmark,
      instances: plans.planned.map((p) => ({ id: p.row.instance_id, repo: p.row.repo })),
      unsupported_skipped: plans.skipped,
    },
    run_card: spec.run_card ? { ...spec.run_card, images: Object.fromEntries(plans.planned.map((p) => [p.row.instance_id, p.image])) } : null,
  };
}
