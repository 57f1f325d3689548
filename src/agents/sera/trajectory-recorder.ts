/**
 * Builds the Trajectory (src/run-dir/schemas.ts) step by step, and the step log records
 * (src/run-dir/trajectory-log.ts) that carry it while the rollout runs; the caller writes both.
 */
import { recordedSampling } from '../scaffold.js';
import type { ExitStatus, Trajectory, TrajectoryStep } from '../../run-dir/schemas.js';
import type { TrajectoryLogEntry, TrajectoryLogHeader } from '../../run-dir/trajectory-log.js';
import type { ChatMessage, ModelTurn, Sampling } from '../../model/model-client.js';

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

  header(opening: readonly ChatMessage[]): TrajectoryLogHeader {
    return {
      format: 'sera-eval.trajectory-log/1',
      instance_id: this.meta.instanceId,
      context: this.meta.context,
      seed: this.meta.seed,
      model: this.meta.model,
      sampling: recordedSampling(this.meta.sampling),
      messages: [...opening],
    };
  }

  /** The log record of the last step added, with the messages that step appended. */
  lastEntry(appended: readonly ChatMessage[]): TrajectoryLogEntry {
    const step = this.steps.at(-1);
    if (!step) throw new Error('lastEntry before any step');
    return { step, messages: [...appended], infrastructure_retries: this.infrastructureRetries };
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
      sampling: recordedSampling(this.meta.sampling),
      error: ending.error,
    };
  }

}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
