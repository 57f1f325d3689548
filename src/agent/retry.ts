/**
 * The one place model calls are retried: exponential backoff with full jitter on `retryable` errors.
 * When the attempts run out the failure is the infrastructure's (InfrastructureError), never the model's.
 */
import { InfrastructureError, InterruptedError } from '../errors.js';
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
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ModelCallError) || err.kind !== 'retryable') throw err;
      if (attempt >= policy.maxAttempts) {
        throw new ModelUnavailableError(`model server failed ${attempt} times; last: ${err.message}`, { cause: err });
      }
      onRetry?.(err, attempt);
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * ceiling, signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new InterruptedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
