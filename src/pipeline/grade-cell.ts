/**
 * Grade one cell: reuse a finished report with the same inputs, else start a fresh container from
 * the instance image, apply the patch, run the hidden tests, and write the cell's files. Whatever
 * happens, the cell ends as a recorded result; only an interrupt propagates.
 */
import { InfrastructureError, InterruptedError, errorMessage } from '../errors.js';
import { gradeInEnvironment, type GradingRun } from '../evaluation/grade-in-environment.js';
import { gradingInputSha256 } from '../evaluation/grading-input-hash.js';
import type { GradingPlan } from '../evaluation/grading-plan.js';
import { makeInstanceReportEntry, type CellResult } from '../evaluation/instance-report.js';
import type { CellKey, RunLayout } from '../run-dir/layout.js';
import type { InstanceReportEntry } from '../run-dir/schemas.js';
import { reusableReport, writeCellFiles } from './cell-store.js';
import { inFreshEnvironment } from './fresh-environment.js';
import { signalOf } from './retry.js';
import type { SandboxProvider } from '../environment/sandbox-provider.js';
import type { BackgroundCloser } from './background-close.js';

export interface GradeCellInput {
  cell: CellKey;
  patch: string | null;
  modelNameOrPath: string;
  image: string;
  /** The instance's grading plan, made once before its first rollout. */
  plan: GradingPlan;
}

export interface GradingSettings {
  timeoutS: number;
  maxOutputBytes: number;
  /** Tries for an infrastructure failure before it is recorded as such. @default 3 */
  attempts?: number;
  retryBaseDelayMs?: number;
}

export interface GradeCellDeps {
  sandbox: SandboxProvider;
  layout: RunLayout;
  settings: GradingSettings;
  signal?: AbortSignal;
  onRetry?: (err: InfrastructureError) => void;
  /** Removes the container off the critical path; without one, grading waits for the removal. */
  closer?: BackgroundCloser;
}

export interface GradedCell {
  entry: InstanceReportEntry;
  reused: boolean;
}

export async function gradeCell(input: GradeCellInput, deps: GradeCellDeps): Promise<GradedCell> {
  const { cell, patch } = input;
  const inputSha = gradingInputSha256({ patch, image: input.image, plan: input.plan });
  const previous = await reusableReport(deps.layout, cell, inputSha);
  if (previous) return { entry: previous, reused: true };

  const started = performance.now();
  let run: GradingRun | null = null;
  let verdict: CellResult;
  let attempts = 1;
  if (patch === null || patch === '') {
    verdict = { kind: 'empty_patch' };
  } else {
    try {
      const attempted = await inFreshEnvironment(
        {
          sandbox: deps.sandbox,
          request: { image: input.image, cell, purpose: 'grading' },
          ...(deps.closer ? { closer: deps.closer } : {}),
          ...(deps.settings.attempts === undefined ? {} : { attempts: deps.settings.attempts }),
          ...(deps.settings.retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs: deps.settings.retryBaseDelayMs }),
          ...signalOf(deps),
          ...(deps.onRetry ? { onRetry: deps.onRetry } : {}),
        },
        (env) =>
          gradeInEnvironment({
            env,
            plan: input.plan,
            patch,
            timeoutS: deps.settings.timeoutS,
            maxOutputBytes: deps.settings.maxOutputBytes,
            ...signalOf(deps),
          }),
      );
      run = attempted.value;
      attempts = attempted.attempts;
      verdict = run.verdict;
    } catch (err) {
      if (err instanceof InterruptedError || deps.signal?.aborted) throw new InterruptedError();
      verdict =
        err instanceof InfrastructureError
          ? { kind: 'infrastructure', stage: 'environment', code: err.code, message: err.message }
          : // a bug in the harness is not the model's failure either; resume redoes it
            { kind: 'infrastructure', stage: 'harness', code: 'internal_error', message: errorMessage(err) };
    }
  }

  const entry = makeInstanceReportEntry(verdict, run, {
    modelPatch: patch,
    modelNameOrPath: input.modelNameOrPath,
    context: cell.context,
    seed: cell.seed,
    inputSha256: inputSha,
    image: input.image,
    totalS: (performance.now() - started) / 1000,
    attempts,
    finishedAt: new Date(),
  });
  await writeCellFiles(deps.layout, cell, {
    patch: patch ?? '',
    evalScript: run?.evalScript ?? null,
    testOutput: run?.testOutput ?? null,
    entry,
  });
  return { entry, reused: false };
}


/** A cell whose rollout failed for infrastructure reasons: recorded apart, never graded, redone on resume. */
export async function recordRolloutInfrastructure(
  input: GradeCellInput,
  layout: RunLayout,
  error: { code: string; message: string },
): Promise<InstanceReportEntry> {
  const entry = makeInstanceReportEntry({ kind: 'infrastructure', stage: 'rollout', code: error.code, message: error.message }, null, {
    modelPatch: input.patch,
    modelNameOrPath: input.modelNameOrPath,
    context: input.cell.context,
    seed: input.cell.seed,
    inputSha256: gradingInputSha256({ patch: input.patch, image: input.image, plan: input.plan }),
    image: input.image,
    totalS: 0,
    attempts: 1,
    finishedAt: new Date(),
  });
  await writeCellFiles(layout, input.cell, { patch: input.patch ?? '', evalScript: null, testOutput: null, entry });
  return entry;
}
