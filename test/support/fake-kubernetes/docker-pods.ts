/**
 * Pods of the fake API server, each backed by a local Docker container: created from the pod's
 * image with the pod's command, no network (the fake stands for a cluster where the deny-all
 * policy holds), the memory limit of the pod's container, and docker-init as the pod's reaper.
 * Statuses follow the kubelet's: Pending, then Running; a missing image waits in ErrImagePull and
 * ImagePullBackOff (no registry is reachable here, so a pull never succeeds) or ErrImageNeverPull.
 */
import type Dockerode from 'dockerode';
import type { V1Pod } from '@kubernetes/client-node';

export const FAKE_POD_LABEL = 'sera-eval-test.fake-kubernetes-pod';

export interface FakePod {
  manifest: V1Pod;
  container: Dockerode.Container | undefined;
}

export function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The pod as the API shows it right after creation: accepted, not yet scheduled. */
export function acceptedPod(manifest: V1Pod, namespace: string, resourceVersion: number): V1Pod {
  return {
    ...manifest,
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...manifest.metadata, namespace, uid: `uid-${resourceVersion}`, resourceVersion: String(resourceVersion), creationTimestamp: new Date() },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
  };
}

/** Creates and starts the container; the returned statuses are what the kubelet would report in turn. */
export async function runPodContainer(docker: Dockerode, serverId: string, pod: V1Pod): Promise<{ container?: Dockerode.Container; statuses: Array<NonNullable<V1Pod['status']>> }> {
  const spec = pod.spec!.containers[0]!;
  const image = spec.image!;
  const present = await docker
    .getImage(image)
    .inspect()
    .then(() => true)
    .catch(() => false);
  if (!present) {
    if (spec.imagePullPolicy === 'Never') return { statuses: [waiting(pod, 'ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`)] };
    const pullError = `rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": pull access denied`;
    return { statuses: [waiting(pod, 'ErrImagePull', pullError), waiting(pod, 'ImagePullBackOff', `Back-off pulling image "${image}"`)] };
  }
  const memory = spec.resources?.limits?.memory;
  const container = await docker.createContainer({
    Image: image,
    Cmd: [...(spec.command ?? []), ...(spec.args ?? [])],
    WorkingDir: spec.workingDir,
    User: spec.securityContext?.runAsUser === undefined ? undefined : String(spec.securityContext.runAsUser),
    Labels: { [FAKE_POD_LABEL]: serverId, 'io.kubernetes.pod.name': pod.metadata!.name! },
    HostConfig: {
      Init: true,
      NetworkMode: 'none',
      PidsLimit: 4096,
      ...(memory ? { Memory: bytes(memory), MemorySwap: bytes(memory) } : {}),
    },
  });
  await container.start();
  const now = new Date();
  return {
    container,
    statuses: [
      {
        phase: 'Running',
        startTime: now,
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        containerStatuses: [{ name: spec.name, image, imageID: image, ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } }],
      },
    ],
  };
}

/** The pod's status now: a container that died shows as terminated (OOMKilled when the kernel killed it). */
export async function currentStatus(pod: FakePod): Promise<V1Pod['status']> {
  if (!pod.container) return pod.manifest.status;
  const info = await pod.container.inspect().catch(() => undefined);
  if (!info || info.State.Running) return pod.manifest.status;
  const spec = pod.manifest.spec!.containers[0]!;
  const reason = info.State.OOMKilled ? 'OOMKilled' : info.State.ExitCode === 0 ? 'Completed' : 'Error';
  return {
    ...pod.manifest.status,
    phase: info.State.ExitCode === 0 && !info.State.OOMKilled ? 'Succeeded' : 'Failed',
    containerStatuses: [{ name: spec.name, image: spec.image!, imageID: spec.image!, ready: false, restartCount: 0, state: { terminated: { exitCode: info.State.ExitCode, reason } } }],
  };
}

function waiting(pod: V1Pod, reason: string, message: string): NonNullable<V1Pod['status']> {
  const spec = pod.spec!.containers[0]!;
  return {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'True' }],
    containerStatuses: [{ name: spec.name, image: spec.image!, imageID: '', ready: false, restartCount: 0, state: { waiting: { reason, message } } }],
  };
}

function bytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!match) throw new Error(`the fake API server reads memory limits in Ki, Mi or Gi only, got ${quantity}`);
  return Number(match[1]) * { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, '': 1 }[match[2] ?? '']!;
}
