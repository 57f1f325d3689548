/**
 * `--sandbox kubernetes`: one pod per rollout and per grading, placed by the cluster's scheduler.
 * Pods are deleted in every ending: close(), a failed start, the process's signal handler, and a
 * later run's removeLeftovers (by the run-id label). They carry no finalizers.
 */
import { CoreV1Api, KubeConfig, NetworkingV1Api, VersionApi } from '@kubernetes/client-node';
import { InfrastructureError, InputError, InterruptedError, errorMessage } from '../../errors.js';
import type { Environment } from '../environment.js';
import { EnvironmentUnavailableError } from '../environment.js';
import type { EngineIdentity, SandboxProvider, SandboxRequest } from '../sandbox-provider.js';
import { quantityValue, type KubernetesSandboxConfig } from './kubernetes-config.js';
import { KubernetesEnvironment, apiMessage, apiStatusCode, deletePod } from './kubernetes-environment.js';
import { networkPolicyStatus, type NetworkPolicyStatus } from './network-policy.js';
import { SANDBOX_CONTAINER, podManifest, runLabelSelector } from './pod-manifest.js';
import { waitForPodRunning } from './pod-start.js';
import { cleanUpOnSignals } from '../signal-cleanup.js';

const WORKDIR = '/testbed';

/** kubeconfig from the given file, else KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
export function loadKubeConfig(config: Pick<KubernetesSandboxConfig, 'kubeconfig' | 'context'>): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    if (config.kubeconfig) kubeConfig.loadFromFile(config.kubeconfig);
    else kubeConfig.loadFromDefault();
  } catch (err) {
    throw new InputError(`kubeconfig ${config.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config'}: ${errorMessage(err)}`, { cause: err });
  }
  if (config.context) {
    if (!kubeConfig.getContextObject(config.context)) throw new InputError(`kubeconfig: no context named ${config.context}; known: ${kubeConfig.getContexts().map((c) => c.name).join(', ')}`);
    kubeConfig.setCurrentContext(config.context);
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new InfrastructureError('kubernetes_unconfigured', 'no Kubernetes cluster configured: set KUBECONFIG, ~/.kube/config, or run in a pod with a service account');
  }
  return kubeConfig;
}

export interface KubernetesSandboxOptions {
  runId: string;
  config: KubernetesSandboxConfig;
  /** @default loadKubeConfig(config) */
  kubeConfig?: KubeConfig;
}

export class KubernetesSandboxProvider implements SandboxProvider {
  readonly kubeConfig: KubeConfig;
  private readonly core: CoreV1Api;
  private readonly live = new Set<string>();

  constructor(private readonly options: KubernetesSandboxOptions) {
    this.kubeConfig = options.kubeConfig ?? loadKubeConfig(options.config);
    this.core = this.kubeConfig.makeApiClient(CoreV1Api);
  }

  /** The kubelet pulls per imagePullPolicy when a pod starts; a pull that fails is the pod's start failure. */
  async prepareImage(): Promise<void> {}

  /** @throws InfrastructureError (the API's reason), EnvironmentUnavailableError ('oom' when OOM-killed), InterruptedError */
  async start(request: SandboxRequest): Promise<Environment> {
    if (request.signal?.aborted) throw new InterruptedError();
    const { config, runId } = this.options;
    const manifest = podManifest(config, { runId, image: request.image, cell: request.cell, purpose: request.purpose, attempt: request.attempt, workdir: WORKDIR });
    const name = manifest.metadata!.name!;
    try {
      await this.core.createNamespacedPod({ namespace: config.namespace, body: manifest });
    } catch (err) {
      if (apiStatusCode(err) === 409) {
        // A pod of an earlier, killed attempt by the same name: gone first, then ours.
        await deletePod(this.core, config.namespace, name);
        throw new EnvironmentUnavailableError(`pod ${name} was left by an earlier attempt and has been deleted: ${apiMessage(err)}`, { cause: err });
      }
      throw new EnvironmentUnavailableError(`could not create pod ${name} in namespace ${config.namespace}: ${apiMessage(err)}`, { cause: err });
    }
    this.live.add(name);
    const forget = (): void => void this.live.delete(name);
    try {
      await waitForPodRunning({
        kubeConfig: this.kubeConfig,
        core: this.core,
        namespace: config.namespace,
        name,
        timeoutS: config.startTimeoutS,
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (err) {
      await deletePod(this.core, config.namespace, name).catch(() => undefined);
      forget();
      throw err;
    }
    return new KubernetesEnvironment({
      kubeConfig: this.kubeConfig,
      core: this.core,
      namespace: config.namespace,
      pod: name,
      container: SANDBOX_CONTAINER,
      workdir: WORKDIR,
      memoryLimitBytes: config.limits.memory ? quantityValue(config.limits.memory) : null,
      onClosed: forget,
    });
  }

  /** Deletes every pod labelled with this run's id (a killed earlier process's); returns how many. */
  async removeLeftovers(): Promise<number> {
    const { namespace } = this.options.config;
    const labelSelector = runLabelSelector(this.options.runId);
    try {
      const pods = await this.core.listNamespacedPod({ namespace, labelSelector });
      if (pods.items.length === 0) return 0;
      await this.core.deleteCollectionNamespacedPod({ namespace, labelSelector, gracePeriodSeconds: 0 });
      return pods.items.length;
    } catch (err) {
      throw new InfrastructureError('kubernetes_unreachable', `cannot list or delete pods in namespace ${namespace} (${this.kubeConfig.getCurrentCluster()?.server}): ${apiMessage(err)}`, { cause: err });
    }
  }

  /** The cluster's API server version (GET /version), for the run card; null when it will not say. */
  async engineIdentity(): Promise<EngineIdentity | null> {
    try {
      const version = await this.kubeConfig.makeApiClient(VersionApi).getCode();
      return { name: 'Kubernetes', version: version.gitVersion, apiVersion: null };
    } catch {
      return null;
    }
  }

  /** Whether the deny-all NetworkPolicy that the pods' no-network label relies on exists. */
  networkPolicy(): Promise<NetworkPolicyStatus> {
    return networkPolicyStatus(this.kubeConfig.makeApiClient(NetworkingV1Api), this.options.config.namespace);
  }

  /** For run.json: the kubeconfig context and cluster, and whether the no-network label is backed by the deny-all policy. */
  async describe(): Promise<Record<string, string>> {
    return {
      context: this.kubeConfig.getCurrentContext(),
      cluster: this.kubeConfig.getCurrentCluster()?.server ?? 'unknown',
      network_policy: this.options.config.network ? 'not needed (network asked)' : await this.networkPolicy(),
    };
  }

  /** On SIGINT/SIGTERM/SIGHUP, delete this run's pods (this shard's, when shards label their own id); returns the uninstaller. */
  installCleanup(options: { reraise: boolean }): () => void {
    return cleanUpOnSignals(() => {
      const { namespace } = this.options.config;
      // By label as well as by name: a pod whose create call is still under way is not in `live` yet.
      const byLabel = this.core.deleteCollectionNamespacedPod({ namespace, labelSelector: runLabelSelector(this.options.runId), gracePeriodSeconds: 0 });
      return Promise.allSettled([byLabel, ...[...this.live].map((name) => deletePod(this.core, namespace, name))]);
    }, options);
  }
}
