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
import type { ManifestFields } from './manifest.js';

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

/** run.json's fields before planning: the plan fills in instance_ids, instance_repos, benchmark and unsupported_skipped. */
export type UnplannedManifestFields = Omit<ManifestFields, 'benchmark' | 'instance_ids' | 'instance_repos' | 'unsupported_skipped'> &
  Partial<Pick<ManifestFields, 'benchmark' | 'instance_ids' | 'instance_repos' | 'unsupported_skipped'>>;

/**
 * run.json with what the plan decided: the benchmark, each planned instance with its repo (reports
 * read it, never guess it) and, on the run card, its image; and what was dropped, and why.
 */
export function withPlan(manifest: UnplannedManifestFields, benchmark: Benchmark, plans: InstancePlans): ManifestFields {
  return {
    ...manifest,
    benchmark: benchmark.name,
    instance_ids: plans.planned.map((p) => p.row.instance_id),
    instance_repos: Object.fromEntries(plans.planned.map((p) => [p.row.instance_id, p.row.repo])),
    unsupported_skipped: plans.skipped,
    ...(manifest.run_card ? { run_card: { ...manifest.run_card, images: Object.fromEntries(plans.planned.map((p) => [p.row.instance_id, p.image])) } } : {}),
  };
}
