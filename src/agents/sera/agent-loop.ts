/**
 * The SERA rollout: SWE-agent 1.x's DefaultAgent loop (sweagent/agent/agents.py `step`,
 * `forward_with_handling`, `attempt_autosubmission_after_error`) with SERA's e2e.yaml settings.
 * One tool call per turn; format/blocklist/syntax errors are requeried up to 3 times in a row; every
 * ending but a confirmed `submit` or the model's own `exit` autosubmits the current diff. Returns the Trajectory; never writes it.
 */
import type { Environment } from '../../environment/environment.js';
import { EnvironmentUnavailableError } from '../../environment/environment.js';
import type { SweBenchInstance } from '../../dataset/schema.js';
import { errorMessage, HarnessError, InfrastructureError, InterruptedError } from '../../errors.js';
import type { Trajectory } from '../../run-dir/schemas.js';
import type { TrajectorySink } from '../../run-dir/trajectory-log.js';
import { parseAction } from './action-parser.js';
import { AgentExit, RequeryError } from './agent-exits.js';
import { applyBudget, PromptCounter } from './context-budget.js';
import type { ChatMessage, ContextBudget, ModelClient, ModelTurn, Sampling } from '../../model/model-client.js';
import { ModelCallError } from '../../model/model-errors.js';
import { prepareRepository } from './repo-setup.js';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from '../../model/retry.js';
import { renderInstanceTemplate, renderObservationMessage, SYSTEM_TEMPLATE } from './sera-templates.js';
import { SERA_TOOLS } from './tool-schemas.js';
import { ModelPatchFile } from './tools/model-patch-file.js';
import { ToolRunner } from './tools/tool-runner.js';
import { TrajectoryRecorder, type TrajectoryEnding } from './trajectory-recorder.js';
import { OutputWriteError } from '../../run-dir/write-errors.js';

export interface AgentLimits {
  /** Model calls per rollout, requeries included (e2e.yaml per_instance_call_limit). @default 115 */
  maxModelCalls: number;
  /** Failed parses/blocked/syntax errors in a row before exit_format (max_requeries). @default 3 */
  maxRequeries: number;
  /** @default 300 */
  commandTimeoutS: number;
  /** @default 3 */
  maxConsecutiveTimeouts: number;
  /** Tool execution time, checked before each step (total_execution_timeout). @default 1800 */
  totalExecutionS: number;
  /** Wall-clock time of the whole rollout, checked before each model call and enforced during it. @default none */
  wallClockS?: number;
}

export const DEFAULT_LIMITS: AgentLimits = {
  maxModelCalls: 115,
  maxRequeries: 3,
  commandTimeoutS: 300,
  maxConsecutiveTimeouts: 3,
  totalExecutionS: 1800,
};

export interface RunAgentOptions {
  env: Environment;
  instance: Pick<SweBenchInstance, 'instance_id' | 'problem_statement' | 'base_commit'>;
  client: ModelClient;
  budget: ContextBudget;
  sampling: Sampling;
  /** Labels recorded in the trajectory, e.g. '32k' and '1'. */
  context: string;
  seed: string;
  limits?: Partial<AgentLimits>;
  retryPolicy?: RetryPolicy;
  signal?: AbortSignal;
  /** Gets the header before the first model call, then each step as it ends (src/run-dir/trajectory-log.ts). */
  log?: TrajectorySink;
}

type Done = { kind: 'submitted'; submission: string } | { kind: 'exited' };

/** @throws InterruptedError when the signal aborts; every other failure ends in the returned trajectory. */
export async function runAgent(options: RunAgentOptions): Promise<Trajectory> {
  const { env, instance, client, signal } = options;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const recorder = new TrajectoryRecorder({
    instanceId: instance.instance_id,
    context: options.context,
    seed: options.seed,
    model: client.model,
    sampling: options.sampling,
  });
  const messages: ChatMessage[] = [
    { role: 'system', content: SYSTEM_TEMPLATE },
    { role: 'user', content: renderInstanceTemplate(instance.problem_statement) },
  ];
  const patchFile = new ModelPatchFile();
  const tools = new ToolRunner(env, patchFile, { ...limits, problemStatement: instance.problem_statement });
  const started = performance.now();
  const promptCounter = new PromptCounter();
  let setUp = false;

  const wallClockExit = () => new AgentExit('exit_timeout', 'Exit due to the rollout wall-clock limit', 'wall_clock');
  const callModel = async (history: ChatMessage[]): Promise<ModelTurn> => {
    if (recorder.modelCalls >= limits.maxModelCalls) throw new AgentExit('exit_step_limit', 'Exit due to cost limit');
    const deadline = limits.wallClockS === undefined ? undefined : new Deadline(started + limits.wallClockS * 1000, signal);
    if (deadline?.passed) throw wallClockExit();
    const callSignal = deadline?.signal ?? signal;
    try {
      return await withRetries(
        async () => {
          const { sampling } = await applyBudget(options.budget, client, history, SERA_TOOLS, options.sampling, callSignal, promptCounter);
          const turn = await client.complete(history, SERA_TOOLS, sampling, callSignal);
          promptCounter.record(history, turn.usage.promptTokens);
          return turn;
        },
        options.retryPolicy ?? DEFAULT_RETRY_POLICY,
        callSignal,
        () => recorder.countRetry(),
      );
    } catch (err) {
      // The rollout's own limit aborted the request in flight: the run ends, it is not interrupted.
      if (deadline?.passed && !signal?.aborted) throw wallClockExit();
      throw err;
    } finally {
      deadline?.dispose();
    }
  };

  const logStep = async (appended: ChatMessage[]): Promise<void> => {
    await options.log?.step(recorder.lastEntry(appended));
  };

  /** One step with its requeries (forward_with_handling). Resolves when an action ran. */
  const step = async (): Promise<Done | undefined> => {
    if (recorder.toolSeconds > limits.totalExecutionS) {
      throw new AgentExit('exit_timeout', 'Exit due to total execution time exceeded', 'exit_total_execution_time');
    }
    let history = messages;
    for (let failures = 0; failures < limits.maxRequeries; ) {
      const turn = await callModel(history);
      const toolStarted = performance.now();
      try {
        const action = parseAction(turn.toolCalls);
        const result = await tools.execute(action, signal);
        recorder.addStep(turn, result.observation, 'action', (performance.now() - toolStarted) / 1000);
        const appended: ChatMessage[] = [
          { role: 'assistant', content: turn.content, tool_calls: turn.toolCalls.map(openAiToolCall) },
          { role: 'tool', content: renderObservationMessage(result.observation), tool_call_id: action.toolCallId },
        ];
        messages.push(...appended);
        await logStep(appended);
        if (result.submission !== undefined) return { kind: 'submitted', submission: result.submission };
        if (result.exited) return { kind: 'exited' };
        await patchFile.refresh(env);
        return undefined;
      } catch (err) {
        if (!(err instanceof RequeryError)) throw err;
        failures++;
        recorder.addStep(turn, err.requery, 'requery', (performance.now() - toolStarted) / 1000);
        await logStep([]);
        history = [...messages, { role: 'assistant', content: turn.content }, { role: 'user', content: err.requery }];
      }
    }
    throw new AgentExit('exit_format', 'Exit due to repeated format/blocklist/bash syntax errors');
  };

  await options.log?.start(recorder.header(messages));
  try {
    await prepareRepository(env, instance.base_commit, instance.problem_statement, signal);
    setUp = true;
    for (;;) {
      if (signal?.aborted) throw new InterruptedError();
      const done = await step();
      if (done?.kind === 'submitted') {
        return recorder.build(messages, { exitStatus: 'submitted', autosubmitted: false, submission: done.submission, error: null });
      }
      if (done?.kind === 'exited') return recorder.build(messages, { exitStatus: 'exit_command', autosubmitted: false, submission: '', error: null });
    }
  } catch (err) {
    if (err instanceof InterruptedError || signal?.aborted) throw err instanceof InterruptedError ? err : new InterruptedError();
    // saving the trajectory failed (disk full, ...): the run stops; it is not the model's exit
    if (err instanceof OutputWriteError) throw err;
    const ending = await autosubmit(env, setUp ? await modelOwnEnding(env, err) : endingFor(err), patchFile);
    return recorder.build(messages, ending);
  }
}

/**
 * An environment that failed after setup while its container still runs failed through the model's own
 * command (it killed its shell, deleted /testbed): upstream ends such a run as `exit_environment_error`
 * (agents.py `forward_with_handling`, SwerexException) with autosubmission, and it is the model's
 * outcome. A container or daemon that is gone, or an out-of-memory kill, stays infrastructure.
 */
async function modelOwnEnding(env: Environment, err: unknown): Promise<Omit<TrajectoryEnding, 'autosubmitted' | 'submission'>> {
  if (!(err instanceof EnvironmentUnavailableError) || err.code === 'oom') return endingFor(err);
  try {
    await env.exec(['true'], { cwd: '/', timeoutS: 30 });
  } catch (probeErr) {
    if (probeErr instanceof EnvironmentUnavailableError) return endingFor(probeErr);
    throw probeErr;
  }
  return { exitStatus: 'exit_error', error: { code: 'exit_environment_error', message: `Exit due to environment error: ${err.message}` } };
}

function openAiToolCall(call: { id: string; name: string; arguments: string }): ChatMessage {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

function endingFor(err: unknown): Omit<TrajectoryEnding, 'autosubmitted' | 'submission'> {
  if (err instanceof AgentExit) return { exitStatus: err.status, error: { code: err.code, message: err.message } };
  if (err instanceof ModelCallError) {
    if (err.kind === 'context_overflow') return { exitStatus: 'exit_context', error: { code: err.code, message: err.message } };
    // A 401/403/404 is the endpoint's configuration, the same for every instance: not the model's failure.
    const configuration = err.status === 401 || err.status === 403 || err.status === 404;
    return { exitStatus: configuration ? 'exit_infrastructure' : 'exit_error', error: { code: err.code, message: err.message } };
  }
  if (err instanceof InfrastructureError) return { exitStatus: 'exit_infrastructure', error: { code: err.code, message: err.message } };
  const code = err instanceof HarnessError ? err.code : 'exit_error';
  return { exitStatus: 'exit_error', error: { code, message: errorMessage(err) } };
}

/**
 * `attempt_autosubmission_after_error`: the submission command, then /root/model.patch as it stands (the
 * patch taken after the last action when the command cannot run).
 */
async function autosubmit(
  env: Environment,
  ending: Omit<TrajectoryEnding, 'autosubmitted' | 'submission'>,
  patchFile: ModelPatchFile,
): Promise<TrajectoryEnding> {
  const submission = (patch: string) => (patch.trim() === '' ? '' : patch);
  try {
    return { ...ending, autosubmitted: true, submission: submission(await patchFile.refresh(env)) };
  } catch (err) {
    if (!(err instanceof EnvironmentUnavailableError)) throw err;
    return { ...ending, autosubmitted: patchFile.last.trim() !== '', submission: submission(patchFile.last) };
  }
}

/** The caller's signal, aborted also when the rollout's wall-clock limit passes. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private fired = false;
  private readonly onAbort = (): void => this.controller.abort();

  constructor(
    private readonly atMs: number,
    private readonly outer: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort();
    }, Math.max(0, atMs - performance.now()));
    if (outer?.aborted) this.controller.abort();
    outer?.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get passed(): boolean {
    return this.fired || performance.now() >= this.atMs;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onAbort);
  }
}
