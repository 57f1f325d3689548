/**
 * The pod a rollout or a grading runs in: the instance image kept alive by a long sleep, so the
 * shell and every grading step reach it through exec, as `docker exec` reaches a container.
 */
import { createHash } from 'node:crypto';
import type { V1Pod, V1ResourceRequirements } from '@kubernetes/client-node';
import type { CellKey } from '../../run-dir/layout.js';
import type { KubernetesSandboxConfig, ResourceList } from './kubernetes-config.js';

export const RUN_ID_LABEL = 'sera-eval.run-id';
export const MANAGED_LABEL = 'sera-eval.managed';
/** The label harness/kubernetes/network-policy.yaml selects: pods that carry it get no traffic in or out. */
export const NO_NETWORK_LABEL = 'sera-eval.network';
export const NO_NETWORK_VALUE = 'none';
/** Kueue admits a pod that carries its LocalQueue's name here (pod integration). */
export const KUEUE_QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
export const SANDBOX_CONTAINER = 'sandbox';

export interface PodRequest {
  runId: string;
  image: string;
  cell: CellKey;
  purpose: 'rollout' | 'grading';
  attempt: number;
  workdir: string;
}

export function podManifest(config: KubernetesSandboxConfig, request: PodRequest): V1Pod {
  const { cell } = request;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(request),
      namespace: config.namespace,
      labels: {
        ...runLabels(request.runId),
        'sera-eval.instance-id': labelValue(cell.instanceId),
        'sera-eval.context': labelValue(cell.context),
        'sera-eval.seed': labelValue(cell.seed),
        'sera-eval.purpose': request.purpose,
        ...(config.network ? {} : { [NO_NETWORK_LABEL]: NO_NETWORK_VALUE }),
        ...(config.queueName ? { [KUEUE_QUEUE_LABEL]: config.queueName } : {}),
      },
      // Label values are cut to 63 characters; the cell and run id as given stay readable here.
      annotations: { 'sera-eval.cell': `${cell.context}/${cell.seed}/${cell.instanceId}`, 'sera-eval.run-id': request.runId },
    },
    spec: {
      restartPolicy: 'Never',
      // A pod that is deleted is gone at once: nothing in it needs a graceful stop.
      terminationGracePeriodSeconds: 0,
      // The pause container becomes PID 1 and reaps the orphans killed commands leave, as docker-init does.
      shareProcessNamespace: true,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      ...(config.serviceAccountName ? { serviceAccountName: config.serviceAccountName } : {}),
      ...(Object.keys(config.nodeSelector).length > 0 ? { nodeSelector: config.nodeSelector } : {}),
      ...(config.tolerations.length > 0 ? { tolerations: config.tolerations } : {}),
      ...(config.imagePullSecrets.length > 0 ? { imagePullSecrets: config.imagePullSecrets.map((name) => ({ name })) } : {}),
      containers: [
        {
          name: SANDBOX_CONTAINER,
          image: request.image,
          imagePullPolicy: config.imagePullPolicy,
          command: ['sleep', 'infinity'],
          workingDir: request.workdir,
          // The official harness runs containers as root whatever the image's USER says.
          securityContext: { runAsUser: 0, runAsGroup: 0 },
          resources: resources(config),
        },
      ],
    },
  };
}

export function runLabels(runId: string): Record<string, string> {
  return { [RUN_ID_LABEL]: labelValue(runId), [MANAGED_LABEL]: 'true' };
}

/** `sera-eval.run-id=<id>`: what removeLeftovers deletes by. */
export function runLabelSelector(runId: string): string {
  return `${RUN_ID_LABEL}=${labelValue(runId)}`;
}

function resources(config: KubernetesSandboxConfig): V1ResourceRequirements {
  const requests = resourceList(config.requests);
  const limits = resourceList(config.limits);
  return { ...(Object.keys(requests).length > 0 ? { requests } : {}), ...(Object.keys(limits).length > 0 ? { limits } : {}) };
}

function resourceList(list: ResourceList): Record<string, string> {
  return {
    ...(list.cpu ? { cpu: list.cpu } : {}),
    ...(list.memory ? { memory: list.memory } : {}),
    ...(list.ephemeralStorage ? { 'ephemeral-storage': list.ephemeralStorage } : {}),
  };
}

/**
 * `sera-<purpose>-<instance>-<hash>`: a DNS label (it becomes the pod's hostname), unique per run,
 * cell, purpose and attempt through the hash.
 */
export function podName(request: Pick<PodRequest, 'runId' | 'cell' | 'purpose' | 'attempt'>): string {
  const { cell } = request;
  const hash = shortHash([request.runId, cell.instanceId, cell.context, cell.seed, request.purpose, String(request.attempt)].join('\0'));
  const readable = cell.instanceId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const prefix = `sera-${request.purpose === 'grading' ? 'eval' : 'rollout'}-`;
  return `${prefix}${readable.slice(0, 63 - prefix.length - 9).replace(/-+$/, '')}-${hash}`;
}

/** A label value (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends); a cut value ends in a hash. */
export function labelValue(text: string): string {
  let value = text.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (value !== text || value.length > 63) value = `${value.slice(0, 54).replace(/[^A-Za-z0-9]+$/, '')}-${shortHash(text)}`.replace(/^-/, '');
  return value;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
