/**
 * Context budgets (32K, 64K). With an endpoint whose max_model_len is the budget, the server enforces
 * it and its errors end the rollout as exit_context. With one long endpoint serving a shorter budget the
 * harness enforces it, so the rollout behaves as on a server started with that --max-model-len: before
 * each call the prompt is counted with /tokenize (same messages and tools), the rollout ends when no
 * token is left for the completion, and max_tokens is capped to what is left.
 */
import { AgentExit } from './agent-exits.js';
import type { ChatMessage, ModelClient, Sampling } from './model-client.js';
import type { ToolSchema } from './tool-schemas.js';

export interface ContextBudget {
  /** The rollout's context limit in tokens, e.g. 32768 for `32k`; undefined = whatever the server allows. */
  contextTokens?: number;
}

export function harnessEnforces(budget: ContextBudget, client: ModelClient): budget is Required<ContextBudget> {
  if (budget.contextTokens === undefined) return false;
  return client.maxModelLen === undefined || budget.contextTokens < client.maxModelLen;
}

export interface BudgetedCall {
  sampling: Sampling;
  /** Prompt tokens counted by /tokenize, when the harness counted them. */
  promptTokens?: number;
}

/** @throws AgentExit('exit_context') when the prompt leaves no room for a completion. */
export async function applyBudget(
  budget: ContextBudget,
  client: ModelClient,
  messages: ChatMessage[],
  tools: readonly ToolSchema[],
  sampling: Sampling,
  signal?: AbortSignal,
): Promise<BudgetedCall> {
  if (!harnessEnforces(budget, client)) return { sampling };
  const { count } = await client.countTokens(messages, tools, signal);
  const left = budget.contextTokens - count;
  if (left < 1) {
    throw new AgentExit(
      'exit_context',
      `This model's maximum context length is ${budget.contextTokens} tokens. However, you requested ${count} tokens in the messages, Please reduce the length of the messages.`,
      'context_budget',
    );
  }
  const maxTokens = Math.min(left, sampling.maxTokens ?? Number.POSITIVE_INFINITY);
  return { sampling: { ...sampling, maxTokens }, promptTokens: count };
}
