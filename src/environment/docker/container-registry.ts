/**
 * Every container this process started and has not yet removed, so an interrupted run leaves
 * nothing behind (inspect_ai's docker/cleanup.py does the same). Containers also carry labels, so
 * leftovers of a process that was killed outright can be found later: `sera-eval.run-key` (run-key.ts:
 * the run directory and id) is what a run removes by; `sera-eval.run-id` and `sera-eval.run-dir` are
 * for people reading `docker ps`.
 */
import type Dockerode from 'dockerode';
import { isNotFound, statusCodeOf } from './docker-errors.js';
import { cleanUpOnSignals } from '../signal-cleanup.js';

export const RUN_ID_LABEL = 'sera-eval.run-id';
export const RUN_DIR_LABEL = 'sera-eval.run-dir';
export const RUN_KEY_LABEL = 'sera-eval.run-key';
export const MANAGED_LABEL = 'sera-eval.managed';

interface LiveContainer {
  docker: Dockerode;
  id: string;
}

const live = new Map<string, LiveContainer>();

export function registerContainer(docker: Dockerode, id: string): void {
  live.set(id, { docker, id });
}

export function unregisterContainer(id: string): void {
  live.delete(id);
}

/** Force-remove a container; one that is already gone or being removed counts as removed. */
export async function forceRemoveContainer(docker: Dockerode, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (err) {
    // 409: "removal of container ... is already in progress" from a concurrent close().
    if (!isNotFound(err) && statusCodeOf(err) !== 409) throw err;
  }
}

/** Remove every live container of this process, in parallel. Failures are collected, not thrown. */
async function removeAllLiveContainers(): Promise<{ removed: number; failed: string[] }> {
  const entries = [...live.values()];
  const results = await Promise.allSettled(entries.map((entry) => forceRemoveContainer(entry.docker, entry.id)));
  const failed: string[] = [];
  results.forEach((result, index) => {
    const id = entries[index]!.id;
    if (result.status === 'fulfilled') live.delete(id);
    else failed.push(id);
  });
  return { removed: entries.length - failed.length, failed };
}

/** Remove all containers, running or not, labelled with this run id (in any run directory). Returns how many. */
export function removeContainersByLabel(docker: Dockerode, runId: string): Promise<number> {
  return removeContainersLabelled(docker, RUN_ID_LABEL, runId);
}

/** Remove all containers, running or not, of the run with this key (run-key.ts). Returns how many. */
export function removeContainersByRunKey(docker: Dockerode, key: string): Promise<number> {
  return removeContainersLabelled(docker, RUN_KEY_LABEL, key);
}

async function removeContainersLabelled(docker: Dockerode, label: string, value: string): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${label}=${value}`] } });
  await Promise.all(containers.map((info) => forceRemoveContainer(docker, info.Id)));
  for (const info of containers) live.delete(info.Id);
  return containers.length;
}

export interface CleanupHandlerOptions {
  /**
   * After removing the containers, re-raise the signal so the process ends the way it would
   * have without this handler (exit by signal). Set false when the caller has its own handler
   * that turns the signal into an orderly exit (the CLI's exit code 130).
   * @default true
   */
  reraise?: boolean;
  /**
   * Also remove these, beside the live containers: by the run's label, so a container whose create
   * call was still under way (not yet registered) goes too.
   */
  sweep?: () => Promise<unknown>;
}

/**
 * On SIGINT, SIGTERM or SIGHUP, remove every live container of this process. The CLI installs
 * this once at start-up; library users who start DockerEnvironments should too. Returns a
 * function that uninstalls the handlers.
 */
export function installCleanupHandlers(options: CleanupHandlerOptions = {}): () => void {
  return cleanUpOnSignals(() => Promise.allSettled([removeAllLiveContainers(), options.sweep?.()]), { reraise: options.reraise ?? true });
}
