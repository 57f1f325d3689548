/**
 * A Kubernetes Indexed Job that runs one `sera-eval work --shard-from-env` pod per shard of a
 * planned run (JOB_COMPLETION_INDEX picks the shard). Kubernetes retries an index on its own
 * (backoffLimitPerIndex), never the whole Job, and a retried index resumes its shard.
 */
import { EXIT } from '../exit-codes.js';

export interface IndexedJobOptions {
  runId: string;
  shards: number;
  parallelism: number;
  image: string;
  /** The PersistentVolumeClaim holding the run directory (ReadWriteMany when pods land on several nodes). */
  claim: string;
  mountPath: string;
  /** The run directory as the pods see it, under mountPath. */
  podRunDir: string;
  /** The words that start sera-eval in the image, e.g. ["sera-eval"] or ["npx", "sera-eval"]. */
  command: string[];
  backoffLimitPerIndex: number;
  name?: string;
  namespace?: string;
  serviceAccount?: string;
  cpu?: string;
  memory?: string;
  /** Mount the node's Docker socket, for workers that run instance containers on their node's daemon. */
  dockerSocket?: string;
  /** The variable holding the model server's API key, filled from a Secret's key. */
  apiKey?: { env: string; secret: string; key: string };
}

const CONTAINER = 'worker';

export function indexedJobManifest(options: IndexedJobOptions): Record<string, unknown> {
  const labels = { 'app.kubernetes.io/name': 'sera-eval', 'app.kubernetes.io/component': 'shard-worker', 'sera-eval/run-id': labelValue(options.runId) };
  const resources = resourceBlock(options);
  const volumes: Record<string, unknown>[] = [{ name: 'results', persistentVolumeClaim: { claimName: options.claim } }];
  const mounts: Record<string, unknown>[] = [{ name: 'results', mountPath: options.mountPath }];
  if (options.dockerSocket) {
    volumes.push({ name: 'docker-socket', hostPath: { path: options.dockerSocket, type: 'Socket' } });
    mounts.push({ name: 'docker-socket', mountPath: '/var/run/docker.sock' });
  }
  const env = options.apiKey ? [{ name: options.apiKey.env, valueFrom: { secretKeyRef: { name: options.apiKey.secret, key: options.apiKey.key } } }] : [];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: options.name ?? jobName(options.runId), ...(options.namespace ? { namespace: options.namespace } : {}), labels },
    spec: {
      completionMode: 'Indexed',
      completions: options.shards,
      parallelism: options.parallelism,
      backoffLimitPerIndex: options.backoffLimitPerIndex,
      // a replacement starts only once the old pod has failed, so one shard never has two workers
      // writing its files at once (the default with a podFailurePolicy; said here so it stays so)
      podReplacementPolicy: 'Failed',
      podFailurePolicy: {
        rules: [
          // bad input (a broken plan, a wrong flag) fails the same way on every retry
          { action: 'FailIndex', onExitCodes: { containerName: CONTAINER, operator: 'In', values: [EXIT.badInput] } },
          // a pod evicted or preempted did nothing wrong: rerun it without spending a retry
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      template: {
        metadata: { labels },
        spec: {
          // podFailurePolicy requires Never: the Job controller, not the kubelet, decides on retries
          restartPolicy: 'Never',
          ...(options.serviceAccount ? { serviceAccountName: options.serviceAccount } : {}),
          containers: [
            {
              name: CONTAINER,
              image: options.image,
              command: [...options.command, 'work', options.podRunDir, '--shard-from-env'],
              ...(env.length > 0 ? { env } : {}),
              ...(resources ? { resources } : {}),
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}

function resourceBlock(options: IndexedJobOptions): Record<string, unknown> | undefined {
  const amounts = { ...(options.cpu ? { cpu: options.cpu } : {}), ...(options.memory ? { memory: options.memory } : {}) };
  return Object.keys(amounts).length > 0 ? { requests: amounts, limits: amounts } : undefined;
}

/** A DNS-1123 label (Job names become pod labels, so at most 63 characters). */
export function jobName(runId: string): string {
  const base = `sera-eval-${runId.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
  return base.slice(0, 63).replace(/-+$/, '');
}

/** Label values: at most 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric. */
function labelValue(value: string): string {
  return value.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}
