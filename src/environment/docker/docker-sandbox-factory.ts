import { z } from 'zod';
import { defineSandbox } from '../sandbox-factory.js';
import { DockerHostSchema, dockerClient } from './docker-host.js';
import { DockerSandboxProvider } from './docker-sandbox.js';

export const DockerSandboxConfigSchema = z
  .object({
    pull: z.enum(['missing', 'always', 'never']).default('missing').describe('when instance images are pulled'),
    network: z.boolean().default(false).describe('containers get no network unless asked'),
    memoryBytes: z.number().int().positive().default(8 * 1024 ** 3).describe('memory limit per container'),
    pidsLimit: z.number().int().positive().default(8192).describe('process limit per container'),
    nanoCpus: z.number().int().positive().optional().describe('CPU limit per container, in 1e-9 CPUs'),
    host: DockerHostSchema.optional(),
  })
  .strict();
export type DockerSandboxConfig = z.infer<typeof DockerSandboxConfigSchema>;

/** `--sandbox docker` (the default): one container per rollout and per grading, over dockerode. */
export const dockerSandbox = defineSandbox<DockerSandboxConfig>({
  name: 'docker',
  description: 'a container per rollout and per grading from the instance image (dockerode; no network unless asked)',
  configSchema: DockerSandboxConfigSchema,
  fromContainerSettings: ({ cpus, dockerHost, ...settings }) => ({
    ...settings,
    nanoCpus: Math.round(cpus * 1e9),
    ...(dockerHost === undefined ? {} : { host: dockerHost }),
  }),
  create: (run, config, hooks) =>
    new DockerSandboxProvider({
      docker: dockerClient(config.host),
      run,
      pull: config.pull,
      limits: {
        network: config.network,
        memoryBytes: config.memoryBytes,
        pidsLimit: config.pidsLimit,
        ...(config.nanoCpus === undefined ? {} : { nanoCpus: config.nanoCpus }),
      },
      ...(hooks?.onImageProgress ? { onPullProgress: hooks.onImageProgress } : {}),
    }),
});
