/**
 * Containers removed off the critical path: a cell's queue slot frees as soon as its rollout or
 * grading is done, while its container is killed and removed (about a second on a loaded daemon)
 * beside the next cell's start. The run waits for every removal before it ends, so no container
 * outlives it; one whose removal failed stays in the container registry, which removes it at exit.
 */
import type { Environment } from '../environment/environment.js';

export class BackgroundCloser {
  private readonly pending = new Set<Promise<void>>();

  close(env: Environment): void {
    const closing: Promise<void> = env
      .close()
      .catch(() => undefined)
      .finally(() => this.pending.delete(closing));
    this.pending.add(closing);
  }

  /** Resolves when every close started so far has settled. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

/** Close through `closer` when there is one, else at once (callers outside a run: replay, tests). */
export async function closeEnvironment(env: Environment, closer: BackgroundCloser | undefined): Promise<void> {
  if (closer) closer.close(env);
  else await env.close();
}
