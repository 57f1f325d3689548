/** `--sandbox kubernetes`'s settings (`--sandbox-config`), validated once and recorded in run.json. */
import { z } from 'zod';

const QUANTITY = /^\d+(\.\d+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/;
const quantity = z.string().regex(QUANTITY, 'expected a Kubernetes quantity such as 2, 500m, 8Gi');

const ResourceListSchema = z
  .object({
    cpu: quantity.optional().describe('CPU cores, e.g. 2 or 500m'),
    memory: quantity.optional().describe('memory, e.g. 8Gi'),
    ephemeralStorage: quantity.optional().describe("the pod's writable layer and logs, e.g. 20Gi"),
  })
  .strict();
export type ResourceList = z.infer<typeof ResourceListSchema>;

const TolerationSchema = z
  .object({
    key: z.string().min(1).optional(),
    operator: z.enum(['Exists', 'Equal']).optional(),
    value: z.string().optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
    tolerationSeconds: z.number().int().nonnegative().optional(),
  })
  .strict();
export type Toleration = z.infer<typeof TolerationSchema>;

/** DNS-1123 label: namespaces, service accounts, secrets and queue names are all spelled so. */
const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a lowercase DNS label (a-z, 0-9, -; at most 63)');
const dnsSubdomain = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'expected a lowercase DNS subdomain name');

export const KubernetesSandboxConfigSchema = z
  .object({
    kubeconfig: z.string().min(1).optional().describe('kubeconfig file; default KUBECONFIG, ~/.kube/config, then the in-cluster service account'),
    context: z.string().min(1).optional().describe('kubeconfig context; default its current-context'),
    namespace: dnsLabel.default('default').describe('namespace the pods run in'),
    requests: ResourceListSchema.default({ cpu: '1', memory: '4Gi', ephemeralStorage: '10Gi' }).describe('what the scheduler reserves per pod'),
    limits: ResourceListSchema.default({ memory: '8Gi', ephemeralStorage: '20Gi' }).describe('what a pod may use; over memory it is OOM-killed, over ephemeral storage evicted'),
    nodeSelector: z.record(z.string(), z.string()).default({}).describe('node labels a pod must land on'),
    tolerations: z.array(TolerationSchema).default([]).describe('taints the pods tolerate (e.g. a dedicated node pool)'),
    serviceAccountName: dnsSubdomain.optional().describe("the pods' service account; its token is not mounted"),
    imagePullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']).default('IfNotPresent').describe('the kubelet pulls instance images per this policy'),
    imagePullSecrets: z.array(dnsSubdomain).default([]).describe('secrets holding registry credentials'),
    queueName: dnsSubdomain.optional().describe('Kueue LocalQueue: sets the kueue.x-k8s.io/queue-name label'),
    network: z.boolean().default(false).describe('pods get no network unless asked: without it they carry the label the deny-all NetworkPolicy selects'),
    startTimeoutS: z.number().positive().default(900).describe('seconds a pod may take to be scheduled, pulled and started before it counts as infrastructure'),
  })
  .strict();
export type KubernetesSandboxConfig = z.infer<typeof KubernetesSandboxConfigSchema>;

const UNITS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** A quantity in base units (bytes for memory), for messages such as "out of memory at 8 GiB". */
export function quantityValue(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(text);
  const unit = match ? UNITS[match[2]!] : undefined;
  if (!match || unit === undefined) throw new Error(`not a Kubernetes quantity: ${text}`);
  return Math.round(Number(match[1]) * unit);
}
