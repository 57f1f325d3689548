/**
 * One rollout: a fresh environment from the instance image, the agent scaffold against the model server, each
 * step appended to the step log as it ends and the trajectory written once when the rollout ends
 * (src/run-dir/trajectory-log.ts). A finished rollout (any ending but an infrastructure one) is
 * reused on resume; an in-progress or infrastructure one is redone. Server faults (a 200 that is no
 * completion, a hung request, retries run out) end as infrastructure; a model that broke its own
 * environment (killed its shell, deleted /testbed) in a container that still runs ends as its own
 * outcome (exit_environment_error) and is graded and kept.
 */
import { readFile } from 'node:fs/promises';
import type { ContextBudget } from '../model/model-client.js';
import type { ModelClient, Sampling } from '../model/model-client.js';
import type { RetryPolicy } from '../model/retry.js';
import type { AgentTask } from '../agents/agent-task.js';
import { recordedSampling, type AgentScaffold } from '../agents/scaffold.js';
import type { SandboxProvider } from '../environment/sandbox-provider.js';
import { InfrastructureError, InterruptedError, errorMessage } from '../errors.js';
import type { CellKey, RunLayout } from '../run-dir/layout.js';
import { OutputWriteError } from '../run-dir/write-errors.js';
import { TrajectorySchema, type Trajectory } from '../run-dir/schemas.js';
import {
  fileTrajectorySink,
  inProgressTrajectory,
  layoutWriter,
  readTrajectoryLog,
  type TrajectoryFileWriter,
} from '../run-dir/trajectory-log.js';
import type { BackgroundCloser } from './background-close.js';
import { inFreshEnvironment } from './fresh-environment.js';
import { signalOf } from './retry.js';

/** The scaffold and its validated config, as chosen for the run. */
export interface ChosenScaffold {
  scaffold: AgentScaffold<unknown>;
  config: unknown;
}

export interface RolloutInput {
  cell: CellKey;
  task: AgentTask;
  image: string;
  agent: ChosenScaffold;
  client: ModelClient;
  budget: ContextBudget;
  sampling: Sampling;
  /** Model-call retries. @default DEFAULT_RETRY_POLICY */
  retryPolicy?: RetryPolicy;
}

export interface RolloutDeps {
  sandbox: SandboxProvider;
  layout: RunLayout;
  signal?: AbortSignal;
  /** Tries for a container that will not start. @default 3 */
  attempts?: number;
  retryBaseDelayMs?: number;
  onRetry?: () => void;
  /** Removes the container off the critical path; without one, the rollout waits for the removal. */
  closer?: BackgroundCloser;
  /** Where trajectory bytes go. @default layoutWriter(layout) */
  writer?: TrajectoryFileWriter;
}

export async function finishedTrajectory(layout: RunLayout, cell: CellKey): Promise<Trajectory | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(layout.trajectory(cell), 'utf8'));
  } catch {
    return null;
  }
  const parsed = TrajectorySchema.safeParse(raw);
  if (!parsed.success) return null;
  const t = parsed.data;
  if (t.error?.code === 'in_progress' || t.exit_status === 'exit_infrastructure') return null;
  return t;
}

/**
 * What an earlier rollout of this cell, killed before it finished, had done, read from its step log;
 * null when there is none. Resume redoes such a rollout from the start (its container is gone).
 */
export async function interruptedRollout(layout: RunLayout, cell: CellKey): Promise<Trajectory | null> {
  const log = await readTrajectoryLog(layout.trajectoryLog(cell)).catch(() => null);
  return log ? inProgressTrajectory(log) : null;
}

export async function rolloutCell(input: RolloutInput, deps: RolloutDeps): Promise<Trajectory> {
  const { cell, agent } = input;
  const stamped = (t: Trajectory): Trajectory => ({ ...t, scaffold: { ...t.scaffold, name: agent.scaffold.name } });
  const file = deps.layout.trajectory(cell);
  // container restarts are recorded in the trajectory beside the model-call retries, so the
  // progress line (which counts what trajectories record) and the files agree
  let restarts = 0;
  const onRetry = (): void => {
    restarts++;
    deps.onRetry?.();
  };
  const logFile = deps.layout.trajectoryLog(cell);
  const writer = deps.writer ?? layoutWriter(deps.layout);
  const finish = async (trajectory: Trajectory): Promise<Trajectory> => {
    await writer.write(file, `${JSON.stringify(trajectory, null, 2)}\n`);
    await writer.remove(logFile);
    return trajectory;
  };
  try {
    const { value } = await inFreshEnvironment(
      {
        sandbox: deps.sandbox,
        request: { image: input.image, cell, purpose: 'rollout' },
        ...(deps.attempts === undefined ? {} : { attempts: deps.attempts }),
        ...(deps.retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs: deps.retryBaseDelayMs }),
        ...(deps.closer ? { closer: deps.closer } : {}),
        ...signalOf(deps),
        onRetry,
      },
      async (env) =>
        stamped(
          await agent.scaffold.run(input.task, {
            env,
            model: input.client,
            budget: input.budget,
            sampling: input.sampling,
            config: agent.config,
            labels: { context: cell.context, seed: cell.seed },
            ...(input.retryPolicy ? { retryPolicy: input.retryPolicy } : {}),
            ...signalOf(deps),
            log: fileTrajectorySink(logFile, writer),
          }),
        ),
    );
    return await finish({ ...value, stats: { ...value.stats, infrastructure_retries: value.stats.infrastructure_retries + restarts } });
  } catch (err) {
    if (err instanceof InterruptedError || deps.signal?.aborted) throw new InterruptedError();
    // the run directory cannot be written: the run stops, the rollout is not the model's failure
    if (err instanceof OutputWriteError) throw err;
    const code = err instanceof InfrastructureError ? err.code : 'internal_error';
    return finish(infrastructureTrajectory(input, code, errorMessage(err), restarts));
  }
}

/** The container never became usable: nothing the model did is in question. */
function infrastructureTrajectory(input: RolloutInput, code: string, message: string, restarts: number): Trajectory {
  return {
    format: 'sera-eval.trajectory/1',
    instance_id: input.cell.instanceId,
    context: input.cell.context,
    seed: input.cell.seed,
    model: input.client.model,
    exit_status: 'exit_infrastructure',
    autosubmitted: false,
    submission: '',
    messages: [],
    steps: [],
    stats: { model_calls: 0, prompt_tokens: 0, completion_tokens: 0, model_time_s: 0, tool_time_s: 0, wall_time_s: 0, infrastructure_retries: restarts },
    sampling: recordedSampling(input.sampling),
    error: { code, message },
    scaffold: { name: input.agent.scaffold.name },
  };
}
