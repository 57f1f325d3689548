/**
 * Context budgets (32K, 64K). With an endpoint whose max_model_len is the budget, the server enforces
 * it and its errors end the rollout as exit_context. With one long endpoint serving a shorter budget the
 * harness enforces it, so the rollout behaves as on a server started with that --max-model-len: before
 * each call the prompt is counted with /tokenize (same messages and tools), the rollout ends when no
 * token is left for the completion, and max_tokens is capped to what is left. A --max-tokens on an
 * endpoint that enforces the budget itself is clamped the same way, against its max_model_len.
 */
import { AgentExit } from './agent-exits.js';
import type { ChatMessage, ModelClient, Sampling } from './model-client.js';
import { ModelCallError } from './model-errors.js';
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

/**
 * When the harness enforces the budget, and also when only --max-tokens is set (vLLM rejects a request
 * whose prompt plus max_tokens passes max_model_len, though the model could have answered in fewer
 * tokens), the prompt is counted and max_tokens clamped to what the window leaves.
 * @throws AgentExit('exit_context') when the prompt leaves no room for a completion.
 */
export async function applyBudget(
  budget: ContextBudget,
  client: ModelClient,
  messages: ChatMessage[],
  tools: readonly ToolSchema[],
  sampling: Sampling,
  signal?: AbortSignal,
): Promise<BudgetedCall> {
  const enforced = harnessEnforces(budget, client);
  const window = enforced ? budget.contextTokens : sampling.maxTokens !== undefined ? client.maxModelLen : undefined;
  if (window === undefined) return { sampling };
  let count: number;
  try {
    ({ count } = await client.countTokens(messages, tools, signal));
  } catch (err) {
    // A server without vLLM's /tokenize cannot be clamped; when the harness need not enforce a budget,
    // the request goes as asked and the server judges it.
    if (!enforced && err instanceof ModelCallError && err.status === 404) return { sampling };
    throw err;
  }
  const left = window - count;
  if (left < 1) {
    throw new AgentExit(
      'exit_context',
      `This model's maximum context length is ${window} tokens. However, you requested ${count} tokens in the messages, Please reduce the length of the messages.`,
      enforced ? 'context_budget' : 'context_window',
    );
  }
  const maxTokens = Math.min(left, sampling.maxTokens ?? Number.POSITIVE_INFINITY);
  return { sampling: { ...sampling, maxTokens }, promptTokens: count };
}
