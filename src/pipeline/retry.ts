import { retryWithBackoff, type Attempted } from '../backoff.js';
import { InfrastructureError } from '../errors.js';

export interface InfrastructureRetryOptions {
  /** Total tries, the first included. @default 3 */
  attempts?: number;
  /** First delay; doubles each try, with full jitter. @default 2000 */
  baseDelayMs?: number;
  signal?: AbortSignal;
  onRetry?: (err: InfrastructureError, attempt: number) => void;
}

/**
 * Retry only infrastructure failures (daemon errors, container start, server down); anything else
 * is a verdict or a bug and is thrown at once. Retries live here and nowhere else in the pipeline.
 */
export function retryInfrastructure<T>(fn: (attempt: number) => Promise<T>, options: InfrastructureRetryOptions = {}): Promise<Attempted<T>> {
  return retryWithBackoff(fn, {
    attempts: options.attempts ?? 3,
    baseDelayMs: options.baseDelayMs ?? 2000,
    retryable: (err): err is InfrastructureError => err instanceof InfrastructureError,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** `{ signal }` when there is one, to spread into options objects. */
export function signalOf(deps: { signal?: AbortSignal }): { signal?: AbortSignal } {
  return deps.signal ? { signal: deps.signal } : {};
}
