/** Container and grading flags shared by `run` and `evaluate`. */
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { IMAGE_TEMPLATE_PRESETS } from '../environment/images.js';
import { DockerSandboxProvider } from '../environment/docker/docker-sandbox.js';
import { RunLayout } from '../run-dir/layout.js';
import { defaultRunId, validateRunId } from '../pipeline/run-id.js';
import { ByteSizeSchema, positiveInt } from './flags.js';
import type { CliIo } from './io.js';
import { pullProgressPrinter } from './pull-progress.js';

export function addContainerOptions(command: Command): Command {
  return command
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
    .option('--max-output <size>', 'keep at most this much test output per instance (head and tail)', '32m')
    .option('--run-id <id>', 'name of the run; the same id resumes it (default: a timestamp)')
    .option('--output <dir>', 'root of run directories', 'results');
}

export const ContainerFlagsSchema = z.object({
  imageTemplate: z.string().min(1),
  pull: z.enum(['missing', 'always', 'never']),
  timeout: positiveInt,
  network: z.boolean().default(false),
  memory: ByteSizeSchema,
  pids: positiveInt,
  maxOutput: ByteSizeSchema,
  runId: z.string().optional(),
  output: z.string().min(1),
});
export type ContainerFlags = z.infer<typeof ContainerFlagsSchema>;

export function runLayoutFor(flags: ContainerFlags, prefix: string): { runId: string; layout: RunLayout } {
  const runId = validateRunId(flags.runId ?? defaultRunId(prefix));
  return { runId, layout: new RunLayout(path.resolve(flags.output, runId)) };
}

export function dockerSandbox(flags: ContainerFlags, runId: string, io: CliIo): DockerSandboxProvider {
  return new DockerSandboxProvider({
    runId,
    pull: flags.pull,
    onPullProgress: pullProgressPrinter((text) => io.stderr.write(text)),
    limits: { network: flags.network, memoryBytes: flags.memory, pidsLimit: flags.pids },
  });
}
