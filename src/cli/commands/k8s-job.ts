import path from 'node:path';
import { z } from 'zod';
import { indexedJobManifest } from '../../pipeline/shards-k8s-job.js';
import { readShardPlan } from '../../pipeline/shards-plan.js';
import { positiveInt } from '../flags.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../io.js';

const K8sJobFlagsSchema = z.object({
  runDir: z.string().min(1),
  parallelism: positiveInt,
  image: z.string().min(1, 'expected the image that has sera-eval installed'),
  claim: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected a PersistentVolumeClaim name (lowercase DNS name)'),
  mountPath: z.string().startsWith('/', 'expected an absolute path in the pod'),
  podRunDir: z.string().startsWith('/', 'expected an absolute path in the pod').optional(),
  command: z.string().min(1),
  backoffLimitPerIndex: z.coerce.number().int().min(0),
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a DNS label of at most 63 characters').optional(),
  namespace: z.string().min(1).optional(),
  serviceAccount: z.string().min(1).optional(),
  cpu: z.string().regex(/^\d+(\.\d+)?m?$/, 'expected a CPU quantity, e.g. 4 or 500m').optional(),
  memory: z.string().regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'expected a memory quantity, e.g. 16Gi').optional(),
  dockerSocket: z.string().startsWith('/', 'expected the node path of the Docker socket').optional(),
  apiKeySecret: z.string().regex(/^[a-z0-9][-a-z0-9.]*:[-._a-zA-Z0-9]+$/, 'expected SECRET:KEY').optional(),
});

/** Adds `job` to the `k8s` command group. */
export const k8sJobCommand = defineCommand({
  name: 'k8s job',
  flagsSchema: K8sJobFlagsSchema,
  configure: (command) =>
    command
      .summary('print an Indexed Job that runs one `sera-eval work` pod per shard of a planned run')
      .description(
        'Print (JSON, which kubectl reads as YAML) a batch/v1 Job with completionMode Indexed, completions = the plan\'s shards, ' +
          'a retry budget per index (backoffLimitPerIndex) and a pod failure policy that fails an index at once on exit 2 (bad ' +
          'input) and does not count evictions. The run directory must be on the PersistentVolumeClaim, which every pod mounts.',
      )
      .argument('<run-dir>', 'the run directory written by sera-eval plan (on the volume the claim names)')
      .requiredOption('--parallelism <n>', 'pods running at once')
      .requiredOption('--image <image>', 'an image with sera-eval installed (and Docker access or another sandbox)')
      .requiredOption('--claim <pvc>', 'the PersistentVolumeClaim holding the run directory (ReadWriteMany across nodes)')
      .option('--mount-path <path>', 'where the claim is mounted in the pods', '/results')
      .option('--pod-run-dir <path>', 'the run directory as the pods see it (default: <mount-path>/<run-dir name>)')
      .option('--command <words>', 'how the image starts sera-eval', 'sera-eval')
      .option('--backoff-limit-per-index <n>', 'retries of one shard before that index fails', '3')
      .option('--name <name>', 'Job name (default: sera-eval-<run id>)')
      .option('--namespace <ns>', 'namespace of the Job')
      .option('--service-account <name>', 'service account of the pods')
      .option('--cpu <quantity>', 'CPU request and limit per pod, e.g. 8')
      .option('--memory <quantity>', 'memory request and limit per pod, e.g. 32Gi')
      .option('--docker-socket <node-path>', "mount this node's Docker socket (e.g. /var/run/docker.sock) for the instance containers")
      .option('--api-key-secret <secret:key>', "fill the plan's API key variable from this Secret key"),
  async handler(flags, { io }) {
    const { runDir } = flags;
    const plan = await readShardPlan(runDir);
    const apiKeyEnv = typeof plan.flags.apiKeyEnv === 'string' ? plan.flags.apiKeyEnv : 'OPENAI_API_KEY';
    const [secret, key] = flags.apiKeySecret?.split(':') ?? [];
    const manifest = indexedJobManifest({
      runId: plan.run_id,
      shards: plan.count,
      parallelism: flags.parallelism,
      image: flags.image,
      claim: flags.claim,
      mountPath: flags.mountPath,
      podRunDir: flags.podRunDir ?? path.posix.join(flags.mountPath, path.basename(path.resolve(runDir))),
      command: flags.command.split(/\s+/).filter((w) => w !== ''),
      backoffLimitPerIndex: flags.backoffLimitPerIndex,
      ...(flags.name ? { name: flags.name } : {}),
      ...(flags.namespace ? { namespace: flags.namespace } : {}),
      ...(flags.serviceAccount ? { serviceAccount: flags.serviceAccount } : {}),
      ...(flags.cpu ? { cpu: flags.cpu } : {}),
      ...(flags.memory ? { memory: flags.memory } : {}),
      ...(flags.dockerSocket ? { dockerSocket: flags.dockerSocket } : {}),
      ...(secret && key ? { apiKey: { env: apiKeyEnv, secret, key } } : {}),
    });
    io.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
    return EXIT.ok;
  },
});
