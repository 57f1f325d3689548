/**
 * What a pod's status says for the sandbox: running, still on its way (and why, for the message
 * when the start deadline passes), or failed for good. Every failure is infrastructure, named with
 * the reason the API gives (Unschedulable, ErrImagePull, Evicted, OOMKilled...).
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { SANDBOX_CONTAINER } from './pod-manifest.js';

export type PodState =
  | { kind: 'running' }
  | { kind: 'pending'; reason: string; message: string }
  | { kind: 'failed'; code: 'oom' | 'evicted' | 'image_unavailable' | 'pod_failed'; reason: string; message: string };

/** Waiting reasons that retrying cannot fix: the image name is wrong or the policy forbids a pull. */
const FATAL_WAITING = new Set(['InvalidImageName', 'ErrImageNeverPull']);
const PULL_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);

export function podState(pod: V1Pod): PodState {
  const status = pod.status ?? {};
  const container = status.containerStatuses?.find((c) => c.name === SANDBOX_CONTAINER);
  const oom = oomKilled(container);
  if (oom) return { kind: 'failed', code: 'oom', reason: 'OOMKilled', message: oom };
  if (status.reason === 'Evicted') return { kind: 'failed', code: 'evicted', reason: 'Evicted', message: status.message ?? 'the kubelet evicted the pod' };
  if (pod.metadata?.deletionTimestamp) return { kind: 'failed', code: 'pod_failed', reason: 'Deleted', message: 'the pod is being deleted' };
  if (status.phase === 'Failed' || status.phase === 'Succeeded') {
    const terminated = container?.state?.terminated;
    const reason = status.reason ?? terminated?.reason ?? status.phase;
    const detail = status.message ?? terminated?.message ?? (terminated ? `the container exited ${terminated.exitCode}` : 'the pod stopped');
    return { kind: 'failed', code: 'pod_failed', reason, message: detail };
  }
  const waiting = container?.state?.waiting;
  if (waiting?.reason && FATAL_WAITING.has(waiting.reason)) {
    return { kind: 'failed', code: 'image_unavailable', reason: waiting.reason, message: waiting.message ?? waiting.reason };
  }
  if (status.phase === 'Running' && container?.state?.running) return { kind: 'running' };
  if (container?.state?.terminated) {
    const { terminated } = container.state;
    return { kind: 'failed', code: 'pod_failed', reason: terminated.reason ?? 'Terminated', message: terminated.message ?? `the container exited ${terminated.exitCode}` };
  }
  if (waiting?.reason) return { kind: 'pending', reason: waiting.reason, message: waiting.message ?? waiting.reason };
  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') return { kind: 'pending', reason: scheduled.reason ?? 'Unschedulable', message: scheduled.message ?? 'not scheduled yet' };
  return { kind: 'pending', reason: status.phase ?? 'Pending', message: 'waiting for the pod to start' };
}

/** How a pod that did not start before the deadline is reported: an image pull or the scheduler. */
export function startDeadlineCode(reason: string): 'image_unavailable' | 'pod_start_timeout' {
  return PULL_WAITING.has(reason) ? 'image_unavailable' : 'pod_start_timeout';
}

function oomKilled(container: V1ContainerStatus | undefined): string | undefined {
  for (const state of [container?.state?.terminated, container?.lastState?.terminated]) {
    if (state?.reason === 'OOMKilled') return `the container was OOM-killed (exit code ${state.exitCode})`;
  }
  return undefined;
}
