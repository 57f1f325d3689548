/**
 * The one way a cell gets an environment: make the image available, start a fresh environment,
 * use it, always close it, and retry the whole of it when the infrastructure fails.
 */
import type { Attempted } from '../backoff.js';
import type { Environment } from '../environment/environment.js';
import type { SandboxProvider, SandboxRequest } from '../environment/sandbox-provider.js';
import type { InfrastructureError } from '../errors.js';
import { closeEnvironment, type BackgroundCloser } from './background-close.js';
import { retryInfrastructure } from './retry.js';

export interface FreshEnvironmentOptions {
  sandbox: SandboxProvider;
  request: Omit<SandboxRequest, 'attempt' | 'signal'>;
  /** Tries for an infrastructure failure. @default 3 */
  attempts?: number;
  retryBaseDelayMs?: number;
  signal?: AbortSignal;
  onRetry?: (err: InfrastructureError) => void;
  /** Removes the container off the critical path; without one, the cell waits for the removal. */
  closer?: BackgroundCloser;
}

export function inFreshEnvironment<T>(options: FreshEnvironmentOptions, use: (env: Environment) => Promise<T>): Promise<Attempted<T>> {
  const signal = options.signal ? { signal: options.signal } : {};
  return retryInfrastructure(
    async (attempt) => {
      await options.sandbox.prepareImage(options.request.image, options.signal);
      const env = await options.sandbox.start({ ...options.request, attempt, ...signal });
      try {
        return await use(env);
      } finally {
        await closeEnvironment(env, options.closer);
      }
    },
    {
      attempts: options.attempts ?? 3,
      ...(options.retryBaseDelayMs === undefined ? {} : { baseDelayMs: options.retryBaseDelayMs }),
      ...signal,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    },
  );
}
