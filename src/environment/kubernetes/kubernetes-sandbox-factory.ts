import { defineSandbox } from '../sandbox-factory.js';
import { KubernetesSandboxConfigSchema, type KubernetesSandboxConfig } from './kubernetes-config.js';
import { KubernetesSandboxProvider } from './kubernetes-sandbox.js';

const PULL_POLICY = { missing: 'IfNotPresent', always: 'Always', never: 'Never' } as const;

/** `--sandbox kubernetes`: a pod per rollout and per grading, placed by the cluster's scheduler. */
export const kubernetesSandbox = defineSandbox<KubernetesSandboxConfig>({
  name: 'kubernetes',
  description: 'a pod per rollout and per grading from the instance image (@kubernetes/client-node; kubeconfig or in-cluster; no network unless asked)',
  configSchema: KubernetesSandboxConfigSchema,
  // --pull and --network carry over; memory goes in limits.memory as a quantity (--sandbox-config), and
  // the pids limit is the kubelet's (podPidsLimit), not a pod field.
  fromContainerSettings: (settings) => ({ imagePullPolicy: PULL_POLICY[settings.pull], network: settings.network }),
  create: (run, config) => new KubernetesSandboxProvider({ runId: run.id, config }),
});
