/**
 * The one retry loop with exponential backoff, shared by the model client's retries, the
 * pipeline's infrastructure retries and the Docker daemon's transient failures. Each caller says
 * what is worth another try and what to throw when the tries run out.
 */
import { InterruptedError } from './errors.js';

export interface BackoffPolicy {
  /** Tries in total, the first included. */
  attempts: number;
  /** The ceiling of the first wait; it doubles with each try. */
  baseDelayMs: number;
  /** No wait is longer than this. @default Infinity */
  maxDelayMs?: number;
  /** `full`: wait a uniformly random part of the ceiling (AWS "full jitter"); `none`: the ceiling. @default 'full' */
  jitter?: 'full' | 'none';
}

export interface BackoffOptions<E> extends BackoffPolicy {
  /** Whether this failure is worth another try; anything else is thrown at once. */
  retryable: (err: unknown) => err is E;
  /** What to throw after the last try failed; the failure itself by default. */
  exhausted?: (err: E, attempts: number) => Error;
  onRetry?: (err: E, attempt: number) => void;
  /** Aborting ends a wait with InterruptedError and stops further tries. */
  signal?: AbortSignal;
}

export interface Attempted<T> {
  value: T;
  /** The try that succeeded (1 when the first did). */
  attempts: number;
}

/** The wait before try `attempt + 1`. */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs ?? Infinity, policy.baseDelayMs * 2 ** (attempt - 1));
  return (policy.jitter ?? 'full') === 'full' ? Math.random() * ceiling : ceiling;
}

/** @throws InterruptedError when `signal` aborts, before or during the wait. */
export async function retryWithBackoff<T, E>(fn: (attempt: number) => Promise<T>, options: BackoffOptions<E>): Promise<Attempted<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(attempt), attempts: attempt };
    } catch (err) {
      if (!options.retryable(err)) throw err;
      if (options.signal?.aborted) throw new InterruptedError();
      if (attempt >= options.attempts) throw options.exhausted ? options.exhausted(err, attempt) : err;
      options.onRetry?.(err, attempt);
      await abortableSleep(backoffDelayMs(attempt, options), options.signal);
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
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
