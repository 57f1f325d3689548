/**
 * Model-server errors typed by what the caller does next (STYLE.md §3): retry it, end the rollout as
 * exit_context, or stop. The context-overflow texts are vLLM's (entrypoints/openai/serving_engine.py
 * `_validate_input`, the V1 engine's prompt-length check) plus litellm's wording SWE-agent matched.
 */
import { HarnessError } from '../errors.js';

export type ModelErrorKind = 'retryable' | 'context_overflow' | 'fatal';

export class ModelCallError extends HarnessError {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`model_${kind}`, message, options);
  }
}

const CONTEXT_OVERFLOW = [
  // serving_engine.py `_validate_input`, vLLM 0.4-0.10: "This model's maximum context length is 32768 tokens.
  // However, you requested 33000 tokens (32000 in the messages, 1000 in the completion). Please reduce ..."
  // and "... However, you requested 33000 tokens in the messages, Please reduce the length of the messages.";
  // the renderer of later releases: "... However, your request has 40000 input tokens. Please reduce the
  // length of the input messages." and "... However, you requested 1000 output tokens and your prompt
  // contains at least 32000 input tokens ..."
  /maximum context length is \d+ tokens/i,
  // "'max_tokens' or 'max_completion_tokens' is too large: 2000. This model's maximum context length is ..."
  /'max_tokens' or 'max_completion_tokens' is too large/i,
  // max_tokens defaulted to max_model_len - prompt_len and the prompt filled the window
  /max_tokens must be at least 1, got/i,
  // "Input length (66001) exceeds model's maximum context length (65536)."
  /exceeds (?:the )?model's maximum context length/i,
  // The V1 engine's processor: "The decoder prompt (length 33000) is longer than the maximum model length of
  // 32768. Make sure that `max_model_len` is no smaller than the number of text tokens."
  /is longer than the maximum model length/i,
  // litellm, as SWE-agent matched it
  /is longer than the model's context length/i,
];

const RETRYABLE_STATUS = new Set([408, 409, 429]);

function isContextOverflowMessage(message: string): boolean {
  return CONTEXT_OVERFLOW.some((pattern) => pattern.test(message));
}

/** @param status the HTTP status, undefined when no response arrived (connection error, timeout). */
export function classifyModelError(status: number | undefined, message: string): ModelErrorKind {
  if (status === undefined) return 'retryable';
  if (isContextOverflowMessage(message)) return 'context_overflow';
  if (RETRYABLE_STATUS.has(status) || status >= 500) return 'retryable';
  return 'fatal';
}
