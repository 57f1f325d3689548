/**
 * The one place model calls are retried: exponential backoff with full jitter on `retryable` errors.
 * When the attempts run out the failure is the infrastructure's (InfrastructureError), never the model's.
 */
import { retryWithBackoff } from '../backoff.js';
import { InfrastructureError } from '../errors.js';
import { ModelCallError } from './model-errors.js';

export interface RetryPolicy {
  /** Attempts in total, the first included. @default 6 */
  maxAttempts: number;
  /** @default 1000 */
  baseDelayMs: number;
  /** @default 60000 */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000 };

export class ModelUnavailableError extends InfrastructureError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('model_unavailable', message, options);
  }
}

/**
 * @throws ModelUnavailableError after the last retryable failure; any other error passes through.
 * @param onRetry called before each wait, e.g. to count infrastructure retries in the trajectory.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (error: ModelCallError, attempt: number) => void,
): Promise<T> {
  const { value } = await retryWithBackoff(call, {
    attempts: policy.maxAttempts,
    baseDelayMs: policy.baseDelayMs,
    maxDelayMs: policy.maxDelayMs,
    retryable: (err): err is ModelCallError => err instanceof ModelCallError && err.kind === 'retryable',
    exhausted: (err, attempts) => new ModelUnavailableError(`model server failed ${attempts} times; last: ${err.message}`, { cause: err }),
    ...(onRetry ? { onRetry } : {}),
    ...(signal ? { signal } : {}),
  });
  return value;
}
