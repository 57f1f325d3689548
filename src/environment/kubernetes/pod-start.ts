/**
 * Waiting for a new pod to run: a watch on the pod (falling back to reads when watching is not
 * allowed or breaks), until it runs, fails for good, or the start deadline passes. What keeps it
 * from running at the deadline is the error: the scheduler's or the kubelet's reason.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Watch, type CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { InfrastructureError, InterruptedError } from '../../errors.js';
import { EnvironmentUnavailableError } from '../environment.js';
import { podState, startDeadlineCode, type PodState } from './pod-state.js';

const POLL_MS = 1_000;

export interface PodStartTarget {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  namespace: string;
  name: string;
  timeoutS: number;
  signal?: AbortSignal;
}

/** @throws InfrastructureError naming the API's reason; EnvironmentUnavailableError 'oom'; InterruptedError */
export async function waitForPodRunning(target: PodStartTarget): Promise<void> {
  const deadline = Date.now() + target.timeoutS * 1000;
  let last = { kind: 'pending', reason: 'Pending', message: 'no status seen yet' } as PodState;
  const settled = (state: PodState): boolean => {
    last = state;
    return state.kind !== 'pending';
  };
  while (Date.now() < deadline && !target.signal?.aborted) {
    const watched = await watchUntil(target, deadline, settled);
    if (watched === 'settled') break;
    if (watched === 'ended') await sleep(POLL_MS / 4);
    if (watched === 'unavailable') {
      if (settled(podState(await target.core.readNamespacedPod({ name: target.name, namespace: target.namespace })))) break;
      await sleep(POLL_MS);
    }
  }
  if (target.signal?.aborted) throw new InterruptedError();
  const state = last as PodState;
  if (state.kind === 'running') return;
  if (state.kind === 'failed') {
    const message = `pod ${target.name} failed to start: ${state.reason}: ${state.message}`;
    if (state.code === 'oom') throw new EnvironmentUnavailableError(message, { code: 'oom' });
    throw new InfrastructureError(state.code, message);
  }
  throw new InfrastructureError(startDeadlineCode(state.reason), `pod ${target.name} did not start within ${target.timeoutS} s: ${state.reason}: ${state.message}`);
}

/** 'settled' once `settled` says so; 'ended' when the watch closed (start another); 'unavailable' when it could not be opened. */
async function watchUntil(target: PodStartTarget, deadline: number, settled: (state: PodState) => boolean): Promise<'settled' | 'ended' | 'unavailable'> {
  return new Promise((resolve) => {
    let controller: AbortController | undefined;
    let finished = false;
    const finish = (outcome: 'settled' | 'ended' | 'unavailable'): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      target.signal?.removeEventListener('abort', onAbort);
      controller?.abort();
      resolve(outcome);
    };
    const onAbort = (): void => finish('ended');
    const timer = setTimeout(() => finish('ended'), Math.max(0, deadline - Date.now()));
    target.signal?.addEventListener('abort', onAbort, { once: true });
    new Watch(target.kubeConfig)
      .watch(
        `/api/v1/namespaces/${target.namespace}/pods`,
        { fieldSelector: `metadata.name=${target.name}` },
        (type: string, pod: V1Pod) => {
          if (type === 'ERROR') return finish('unavailable');
          if (type === 'DELETED') {
            settled({ kind: 'failed', code: 'pod_failed', reason: 'Deleted', message: 'the pod was deleted while starting' });
            return finish('settled');
          }
          if (settled(podState(pod))) finish('settled');
        },
        (err: unknown) => finish(err ? 'unavailable' : 'ended'),
      )
      .then((c) => {
        controller = c;
        if (finished) c.abort();
      })
      .catch(() => finish('unavailable'));
  });
}
