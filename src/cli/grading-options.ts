/** Container and grading flags shared by `run` and `evaluate`. */
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { IMAGE_TEMPLATE_PRESETS } from '../benchmarks/swe-bench/image-names.js';
import { DockerHostSchema } from '../environment/docker/docker-host.js';
import type { SandboxFactory } from '../environment/sandbox-factory.js';
import type { SandboxRun } from '../environment/run-key.js';
import type { SandboxProvider } from '../environment/sandbox-provider.js';
import { sandboxes } from '../environment/sandboxes.js';
import { RunLayout } from '../run-dir/layout.js';
import type { RunSpecFields, SpecSandbox } from '../run-dir/run-spec.js';
import { defaultRunId, validateRunId } from '../pipeline/run-id.js';
import { ByteSizeSchema, positiveInt } from './flags.js';
import type { Io } from './io.js';
import { pluginConfig } from './plugin-config.js';
import { pullProgressPrinter } from './pull-progress.js';

export function addContainerOptions(command: Command): Command {
  return command
    .option(...DOCKER_HOST_OPTION)
    .option('--sandbox <name>', `where agents act and patches are graded: ${sandboxes.names().join(', ')}`, 'docker')
    .option('--sandbox-config <json|@file>', "the sandbox's own settings as JSON, over those the flags below give it")
    .option(
      '--image-template <template>',
      `instance image: a preset (${Object.keys(IMAGE_TEMPLATE_PRESETS).join(', ')}) or a template with {id}`,
      'swebench',
    )
    .option('--pull <policy>', 'missing: pull images not present locally; always; never', 'missing')
    .option('--timeout <seconds>', 'limit for the hidden test run (eval.sh) per instance', '1800')
    .option('--network', 'give containers network access (off by default; eval.sh re-runs the install step, which for some repos, e.g. psf/requests, needs the network to match official verdicts)')
    .option('--memory <size>', 'memory limit per container', '8g')
    .option('--pids <n>', 'process limit per container', '8192')
    .option('--cpus <n>', "CPU quota per container, rollouts and grading alike, e.g. 2 or 1.5 (default: this machine's cores ÷ grading workers, at least 1)")
    .option('--max-output <size>', 'keep at most this much test output per instance (head and tail)', '32m')
    .option('--run-id <id>', 'name of the run; the same id resumes it (default: a timestamp)')
    .option('--output <dir>', 'root of run directories', 'results');
}

/** `--docker-host`, shared with `demo`. */
export const DOCKER_HOST_OPTION = [
  '--docker-host <unix:///path>',
  "the container engine's Docker API socket, e.g. unix:///run/podman/podman.sock for podman (default: DOCKER_HOST, else /var/run/docker.sock)",
] as const;

export const ContainerFlagsSchema = z.object({
  dockerHost: DockerHostSchema.optional(),
  sandbox: z.string().min(1).default('docker'),
  sandboxConfig: z.string().optional(),
  imageTemplate: z.string().min(1),
  pull: z.enum(['missing', 'always', 'never']),
  timeout: positiveInt,
  network: z.boolean().default(false),
  memory: ByteSizeSchema,
  pids: positiveInt,
  cpus: z.coerce
    .number()
    .positive()
    .max(os.availableParallelism(), `expected at most ${os.availableParallelism()}, this machine's cores`)
    .optional(),
  maxOutput: ByteSizeSchema,
  runId: z.string().optional(),
  output: z.string().min(1),
});
export type ContainerFlags = z.infer<typeof ContainerFlagsSchema>;

export function runLayoutFor(flags: ContainerFlags, prefix: string): { runId: string; layout: RunLayout } {
  const runId = validateRunId(flags.runId ?? defaultRunId(prefix));
  return { runId, layout: new RunLayout(path.resolve(flags.output, runId)) };
}

/**
 * `--cpus`, else the cores shared out among the grading workers (at least one each), so a fork
 * bomb or a busy test suite in one container cannot starve the others or the host.
 */
export function containerCpus(flags: Pick<ContainerFlags, 'cpus'>, gradingWorkers: number): number {
  return flags.cpus ?? Math.max(1, os.availableParallelism() / gradingWorkers);
}

/** The grading section of the run spec, from the container flags. */
export function gradingSpec(flags: ContainerFlags, gradingWorkers: number): NonNullable<RunSpecFields['grading']> {
  return {
    timeout_s: flags.timeout,
    max_output_bytes: flags.maxOutput,
    network: flags.network,
    memory_bytes: flags.memory,
    pids_limit: flags.pids,
    cpus: containerCpus(flags, gradingWorkers),
  };
}

export interface ChosenSandbox {
  name: string;
  /** The validated config, as recorded in run.json. */
  config: unknown;
  provider: SandboxProvider;
  /** What the provider says about where it runs (SandboxProvider.describe), recorded in run.json. */
  facts?: Record<string, string>;
}

/** The backend `--sandbox` names, configured from the container flags and `--sandbox-config`. */
/** @param gradingWorkers grading containers at once, which share the cores when --cpus is not given */
export async function sandboxFor(
  flags: ContainerFlags,
  run: SandboxRun,
  io: Io,
  gradingWorkers: number,
  /** Settings the calling command brings (the demo's workspaces), under what --sandbox-config says. */
  fromCommand: object = {},
): Promise<ChosenSandbox> {
  const { factory, config } = await sandboxSettings(flags, gradingWorkers, fromCommand);
  const provider = factory.create(run, config, { onImageProgress: pullProgressPrinter((text) => io.stderr.write(text)) });
  const facts = await provider.describe?.();
  return { name: factory.name, config, provider, ...(facts ? { facts } : {}) };
}

/**
 * The chosen backend and its validated config, without making the provider: `plan` checks the
 * settings its workers will use (exit 2 naming the field) where the workers' cluster may not be reachable.
 */
export async function sandboxSettings(
  flags: ContainerFlags,
  gradingWorkers: number,
  fromCommand: object = {},
): Promise<{ factory: SandboxFactory<unknown>; config: unknown }> {
  const factory: SandboxFactory<unknown> = sandboxes.get(flags.sandbox);
  const fromFlags = factory.fromContainerSettings?.({
    pull: flags.pull,
    network: flags.network,
    memoryBytes: flags.memory,
    pidsLimit: flags.pids,
    cpus: containerCpus(flags, gradingWorkers),
    ...(flags.dockerHost === undefined ? {} : { dockerHost: flags.dockerHost }),
  }) ?? {};
  const config = await pluginConfig('--sandbox-config', { kind: 'sandbox', ...factory }, { ...fromFlags, ...fromCommand }, flags.sandboxConfig);
  return { factory, config };
}

/** What run.json records of the sandbox: its name, validated config, and the provider's facts. */
export function sandboxManifest(sandbox: ChosenSandbox): SpecSandbox {
  return { name: sandbox.name, config: sandbox.config, ...(sandbox.facts ? { facts: sandbox.facts } : {}) };
}
