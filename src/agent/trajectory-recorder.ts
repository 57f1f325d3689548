/** Builds the Trajectory (src/run-dir/schemas.ts) step by step; the caller writes it. */
import type { ExitStatus, Trajectory, TrajectoryStep } from '../run-dir/schemas.js';
import type { ChatMessage, ModelTurn, Sampling } from './model-client.js';

export interface TrajectoryMeta {
  instanceId: string;
  context: string;
  seed: string;
  model: string;
  sampling: Sampling;
}

export interface TrajectoryEnding {
  exitStatus: ExitStatus;
  autosubmitted: boolean;
  submission: string;
  error: { code: string; message: string } | null;
}

/** What `onStep` snapshots carry until the rollout ends: a crash leaves this in the file. */
export const IN_PROGRESS: TrajectoryEnding = {
  exitStatus: 'exit_error',
  autosubmitted: false,
  submission: '',
  error: { code: 'in_progress', message: 'the rollout had not finished when this was written' },
};

export class TrajectoryRecorder {
  private readonly steps: TrajectoryStep[] = [];
  private readonly startedAt = performance.now();
  private infrastructureRetries = 0;
  private toolTimeS = 0;

  constructor(private readonly meta: TrajectoryMeta) {}

  get modelCalls(): number {
    return this.steps.length;
  }

  get toolSeconds(): number {
    return this.toolTimeS;
  }

  countRetry(): void {
    this.infrastructureRetries++;
  }

  addStep(turn: ModelTurn, observation: string, kind: TrajectoryStep['kind'], toolLatencyS: number): void {
    this.toolTimeS += toolLatencyS;
    this.steps.push({
      index: this.steps.length,
      thought: turn.content,
      tool_calls: turn.toolCalls.map((call) => ({ id: call.id, name: call.name, arguments: call.arguments })),
      observation,
      kind,
      usage: { prompt_tokens: turn.usage.promptTokens, completion_tokens: turn.usage.completionTokens },
      model_latency_s: turn.latencyS,
      tool_latency_s: toolLatencyS,
      finish_reason: turn.finishReason,
    });
  }

  build(messages: readonly ChatMessage[], ending: TrajectoryEnding): Trajectory {
    const { sampling } = this.meta;
    return {
      format: 'sera-eval.trajectory/1',
      instance_id: this.meta.instanceId,
      context: this.meta.context,
      seed: this.meta.seed,
      model: this.meta.model,
      exit_status: ending.exitStatus,
      autosubmitted: ending.autosubmitted,
      submission: ending.submission,
      messages: structuredClone([...messages]),
      steps: structuredClone(this.steps),
      stats: {
        model_calls: this.steps.length,
        prompt_tokens: sum(this.steps.map((s) => s.usage.prompt_tokens)),
        completion_tokens: sum(this.steps.map((s) => s.usage.completion_tokens)),
        model_time_s: sum(this.steps.map((s) => s.model_latency_s)),
        tool_time_s: this.toolTimeS,
        wall_time_s: (performance.now() - this.startedAt) / 1000,
        infrastructure_retries: this.infrastructureRetries,
      },
      sampling: {
        temperature: sampling.temperature,
        top_p: sampling.topP,
        ...(sampling.maxTokens !== undefined ? { max_tokens: sampling.maxTokens } : {}),
        ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
      },
      error: ending.error,
    };
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
