/** Pod statuses as the API returns them (kubelet and scheduler reasons verbatim). */
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podState, startDeadlineCode } from '../../../src/environment/kubernetes/pod-state.js';

function pod(status: V1Pod['status'], extra: Partial<V1Pod['metadata']> = {}): V1Pod {
  return { metadata: { name: 'sera-rollout-x-1234abcd', ...extra }, status };
}

describe('podState', () => {
  it('is running once the sandbox container runs', () => {
    expect(podState(pod({ phase: 'Running', containerStatuses: [{ name: 'sandbox', image: 'i', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: new Date() } } }] }))).toEqual({ kind: 'running' });
  });

  it('is pending with the scheduler reason while Unschedulable, and times out as pod_start_timeout', () => {
    const state = podState(
      pod({
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' }],
      }),
    );
    expect(state).toEqual({ kind: 'pending', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' });
    expect(startDeadlineCode('Unschedulable')).toBe('pod_start_timeout');
  });

  it('is pending while the kubelet retries a pull (ErrImagePull, ImagePullBackOff), which times out as image_unavailable', () => {
    for (const reason of ['ErrImagePull', 'ImagePullBackOff']) {
      const state = podState(
        pod({
          phase: 'Pending',
          containerStatuses: [{ name: 'sandbox', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason, message: 'Back-off pulling image "swebench/sweb.eval.x86_64.nope:latest"' } } }],
        }),
      );
      expect(state).toMatchObject({ kind: 'pending', reason });
      expect(startDeadlineCode(reason)).toBe('image_unavailable');
    }
  });

  it('fails at once on a pull that cannot succeed (InvalidImageName, ErrImageNeverPull)', () => {
    const state = podState(
      pod({
        phase: 'Pending',
        containerStatuses: [{ name: 'sandbox', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImageNeverPull', message: 'Container image "x" is not present with pull policy of Never' } } }],
      }),
    );
    expect(state).toEqual({ kind: 'failed', code: 'image_unavailable', reason: 'ErrImageNeverPull', message: 'Container image "x" is not present with pull policy of Never' });
  });

  it('fails as evicted with the kubelet message', () => {
    const state = podState(pod({ phase: 'Failed', reason: 'Evicted', message: 'Pod ephemeral local storage usage exceeds the total limit of containers 20Gi. ' }));
    expect(state).toEqual({ kind: 'failed', code: 'evicted', reason: 'Evicted', message: 'Pod ephemeral local storage usage exceeds the total limit of containers 20Gi. ' });
  });

  it('fails as oom when the sandbox container was OOMKilled, now or in its last state', () => {
    const terminated = { reason: 'OOMKilled', exitCode: 137 };
    expect(podState(pod({ phase: 'Failed', containerStatuses: [{ name: 'sandbox', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated } }] }))).toMatchObject({
      kind: 'failed',
      code: 'oom',
      reason: 'OOMKilled',
    });
    expect(
      podState(pod({ phase: 'Running', containerStatuses: [{ name: 'sandbox', image: 'i', imageID: '', ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated } }] })),
    ).toMatchObject({ kind: 'failed', code: 'oom' });
  });

  it('fails as pod_failed when the pod stopped or is being deleted', () => {
    expect(podState(pod({ phase: 'Failed', containerStatuses: [{ name: 'sandbox', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { reason: 'Error', exitCode: 1 } } }] }))).toMatchObject({
      kind: 'failed',
      code: 'pod_failed',
      reason: 'Error',
    });
    expect(podState(pod({ phase: 'Running' }, { deletionTimestamp: new Date() }))).toMatchObject({ kind: 'failed', reason: 'Deleted' });
  });
});
