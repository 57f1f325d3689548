/**
 * The deny-all NetworkPolicy (harness/kubernetes/network-policy.yaml) that selects every pod
 * carrying `sera-eval.network=none`: no ingress, no egress. A pod's label does nothing without it,
 * so a run looks it up and records whether it was there.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadYaml, type NetworkingV1Api, type V1NetworkPolicy } from '@kubernetes/client-node';
import { apiMessage, apiStatusCode } from './kubernetes-environment.js';

export const NETWORK_POLICY_FILE = fileURLToPath(new URL('../../../harness/kubernetes/network-policy.yaml', import.meta.url));

export function denyAllNetworkPolicy(namespace: string): V1NetworkPolicy {
  const policy = loadYaml<V1NetworkPolicy>(readFileSync(NETWORK_POLICY_FILE, 'utf8'));
  return { ...policy, metadata: { ...policy.metadata, namespace } };
}

/** 'present', 'absent', or 'unknown: <why>' when the API would not say (no rights to read policies). */
export type NetworkPolicyStatus = 'present' | 'absent' | `unknown: ${string}`;

export async function networkPolicyStatus(api: NetworkingV1Api, namespace: string): Promise<NetworkPolicyStatus> {
  const name = denyAllNetworkPolicy(namespace).metadata!.name!;
  try {
    await api.readNamespacedNetworkPolicy({ name, namespace });
    return 'present';
  } catch (err) {
    if (apiStatusCode(err) === 404) return 'absent';
    return `unknown: ${apiMessage(err)}`;
  }
}

/** Creates the policy; 'exists' when it was there already. @throws the API's error (403 without the rights) */
export async function createNetworkPolicy(api: NetworkingV1Api, namespace: string): Promise<'created' | 'exists'> {
  try {
    await api.createNamespacedNetworkPolicy({ namespace, body: denyAllNetworkPolicy(namespace) });
    return 'created';
  } catch (err) {
    if (apiStatusCode(err) === 409) return 'exists';
    throw err;
  }
}
