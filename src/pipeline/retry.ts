import { setTimeout as sleep } from 'node:timers/promises';
import { InfrastructureError } from '../errors.js';

export interface RetryOptions {
  /** Total tries, the first included. @default 3 */
  attempts?: number;
  /** First delay; doubles each try, with full jitter. @default 2000 */
  baseDelayMs?: number;
  signal?: AbortSignal;
  onRetry?: (err: InfrastructureError, attempt: number) => void;
}

export interface Attempted<T> {
  value: T;
  attempts: number;
}

/**
 * Retry only infrastructure failures (daemon errors, container start, server down); anything else
 * is a verdict or a bug and is thrown at once. Retries live here and nowhere else in the pipeline.
 */
export async function retryInfrastructure<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<Attempted<T>> {
  const attempts = options.attempts ?? 3;
  const base = options.baseDelayMs ?? 2000;
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(attempt), attempts: attempt };
    } catch (err) {
      if (!(err instanceof InfrastructureError) || attempt >= attempts || options.signal?.aborted) throw err;
      options.onRetry?.(err, attempt);
      const delay = Math.random() * base * 2 ** (attempt - 1);
      await sleep(delay, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
}

/** `{ signal }` when there is one, to spread into options objects. */
export function signalOf(deps: { signal?: AbortSignal }): { signal?: AbortSignal } {
  return deps.signal ? { signal: deps.signal } : {};
}
