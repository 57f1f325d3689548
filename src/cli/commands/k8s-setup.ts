import { NetworkingV1Api } from '@kubernetes/client-node';
import { apiMessage, apiStatusCode } from '../../environment/kubernetes/kubernetes-environment.js';
import { KubernetesSandboxConfigSchema } from '../../environment/kubernetes/kubernetes-config.js';
import { loadKubeConfig } from '../../environment/kubernetes/kubernetes-sandbox.js';
import { NETWORK_POLICY_FILE, createNetworkPolicy, denyAllNetworkPolicy } from '../../environment/kubernetes/network-policy.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../io.js';

const K8sSetupFlagsSchema = KubernetesSandboxConfigSchema.pick({ namespace: true, kubeconfig: true, context: true });

/** Adds `setup` to the `k8s` command group: what a namespace needs before `--sandbox kubernetes`. */
export const k8sSetupCommand = defineCommand({
  name: 'k8s setup',
  flagsSchema: K8sSetupFlagsSchema,
  configure: (command) =>
    command
      .summary('create the deny-all NetworkPolicy that keeps sandbox pods off the network')
      .description(
        `Create ${NETWORK_POLICY_FILE.replace(/^.*\/harness\//, 'harness/')} in the namespace: it selects the pods that --sandbox kubernetes ` +
          'starts without network (label sera-eval.network=none) and denies them all ingress and egress. Needs the right to create ' +
          'NetworkPolicies there; without it, ask an administrator to `kubectl apply -n NAMESPACE -f` that file. It is enforced only ' +
          'where the cluster network plugin enforces NetworkPolicy.',
      )
      .option('--namespace <ns>', 'namespace the sandbox pods will run in', 'default')
      .option('--kubeconfig <path>', 'kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account)')
      .option('--context <name>', 'kubeconfig context (default: its current-context)'),
  async handler(flags, { io }) {
    const networking = loadKubeConfig(flags).makeApiClient(NetworkingV1Api);
    const name = denyAllNetworkPolicy(flags.namespace).metadata!.name!;
    try {
      const outcome = await createNetworkPolicy(networking, flags.namespace);
      io.stdout.write(`networkpolicy/${name} ${outcome === 'created' ? 'created' : 'already present'} in namespace ${flags.namespace}\n`);
      return EXIT.ok;
    } catch (err) {
      const rights = apiStatusCode(err) === 403 ? ' (no right to create NetworkPolicies here: ask an administrator to apply the manifest)' : '';
      io.stderr.write(`sera-eval k8s setup: could not create networkpolicy/${name} in namespace ${flags.namespace}${rights}: ${apiMessage(err)}\n  manifest: ${NETWORK_POLICY_FILE}\n`);
      return EXIT.failed;
    }
  },
});
