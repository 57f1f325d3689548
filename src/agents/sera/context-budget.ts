/**
 * Context budgets (32K, 64K). With an endpoint whose max_model_len is the budget, the server enforces
 * it and its errors end the rollout as exit_context. With one long endpoint serving a shorter budget the
 * harness enforces it, so the rollout behaves as on a server started with that --max-model-len: the
 * rollout ends when no token is left for the completion, and max_tokens is capped to what is left. A
 * --max-tokens on an endpoint that enforces the budget itself is clamped the same way, against its
 * max_model_len.
 *
 * The prompt is counted without sending the whole conversation twice per call: the last response's
 * usage.prompt_tokens is exact for the prompt it answered, and the messages appended since then count
 * at most their UTF-8 bytes (a byte-level BPE token covers at least one byte; the JSON of a message is
 * longer than its chat-template framing). /tokenize (same messages and tools) is called only when that
 * upper bound comes within one observation's worth (the largest step appended so far) of the room the
 * decision needs, so whether the rollout ends and any clamp of a --max-tokens are exact. Far from the
 * limit an enforced budget caps max_tokens from the upper bound: lower than the exact room by at most
 * the bytes appended since the last exact count.
 */
import { AgentExit } from './agent-exits.js';
import type { ChatMessage, ContextBudget, ModelClient, Sampling } from '../../model/model-client.js';
import { ModelCallError } from '../../model/model-errors.js';
import type { ToolSchema } from '../../model/tool-schema.js';

function harnessEnforces(budget: ContextBudget, client: ModelClient): budget is Required<ContextBudget> {
  if (budget.contextTokens === undefined) return false;
  return client.maxModelLen === undefined || budget.contextTokens < client.maxModelLen;
}

export interface BudgetedCall {
  sampling: Sampling;
  /** Prompt tokens counted by /tokenize, when the harness counted them. */
  promptTokens?: number;
}

/**
 * A rollout's running prompt count: the last exactly counted prompt (a response's usage.prompt_tokens
 * or a /tokenize count) and the messages it covered, so the next prompt that extends it is bounded
 * without the server.
 */
export class PromptCounter {
  private known: { messages: readonly ChatMessage[]; tokens: number } | undefined;
  /** The largest bytes appended between two counted prompts: one observation's worth. */
  private stepBytes = 0;

  /** `history` is the exact prompt whose count the server gave; a count of 0 (no usage reported) is no count. */
  record(history: readonly ChatMessage[], promptTokens: number): void {
    if (promptTokens > 0) this.known = { messages: [...history], tokens: promptTokens };
  }

  /** An upper bound on `history`'s prompt tokens, or undefined when it does not extend a counted prompt. */
  bound(history: readonly ChatMessage[]): { upper: number; nearMargin: number } | undefined {
    const known = this.known;
    if (!known || known.messages.length > history.length) return undefined;
    for (let i = 0; i < known.messages.length; i++) if (known.messages[i] !== history[i]) return undefined;
    const appended = history.length === known.messages.length ? 0 : Buffer.byteLength(JSON.stringify(history.slice(known.messages.length)));
    this.stepBytes = Math.max(this.stepBytes, appended);
    return { upper: known.tokens + appended, nearMargin: this.stepBytes };
  }
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
  counter?: PromptCounter,
): Promise<BudgetedCall> {
  const enforced = harnessEnforces(budget, client);
  const window = enforced ? budget.contextTokens : sampling.maxTokens !== undefined ? client.maxModelLen : undefined;
  if (window === undefined) return { sampling };
  const estimate = counter?.bound(messages);
  if (estimate && window - estimate.upper >= (sampling.maxTokens ?? 0) + estimate.nearMargin) {
    const maxTokens = Math.min(window - estimate.upper, sampling.maxTokens ?? Number.POSITIVE_INFINITY);
    return { sampling: { ...sampling, maxTokens } };
  }
  let count: number;
  try {
    ({ count } = await client.countTokens(messages, tools, signal));
  } catch (err) {
    // A server without vLLM's /tokenize cannot be clamped; when the harness need not enforce a budget,
    // the request goes as asked and the server judges it.
    if (!enforced && err instanceof ModelCallError && err.status === 404) return { sampling };
    throw err;
  }
  counter?.record(messages, count);
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
