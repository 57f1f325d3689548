import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_LIMITS } from '../../agents/sera/agent-loop.js';
import { seraScaffold } from '../../agents/sera/sera-scaffold.js';
import { demoBenchmark } from '../../benchmarks/demo/demo.js';
import { DockerHostSchema, dockerClient } from '../../environment/docker/docker-host.js';
import { DEFAULT_REQUEST_TIMEOUT_S } from '../../model/model-client.js';
import { startReplayServer } from '../../model/replay-server.js';
import { DEMO_DATASET_PATH } from '../../benchmarks/demo/demo-repo.js';
import { loadDataset } from '../../dataset/index.js';
import { buildRepoImage } from '../../environment/local-images.js';
import { DockerSandboxProvider } from '../../environment/docker/docker-sandbox.js';
import { buildDemoImages, materializeDemoWorkspaces } from '../../benchmarks/demo/demo-images.js';
import { demoReplayScript } from '../../benchmarks/demo/demo-replay.js';
import { reportCommand } from '../../report/report-command.js';
import { DOCKER_HOST_OPTION, runLayoutFor, sandboxFor } from '../grading-options.js';
import { parseFlags, positiveInt } from '../flags.js';
import { EXIT, type Io } from '../io.js';
import { datasetCacheDir } from '../selection.js';
import type { Schedule } from '../schedule.js';
import { executeRun, type RunFlags } from './run.js';

const DemoFlagsSchema = z.object({
  runId: z.string().optional(),
  output: z.string().min(1),
  sandbox: z.string().min(1),
  sandboxConfig: z.string().optional(),
  concurrency: positiveInt,
  evalWorkers: positiveInt,
  dockerHost: DockerHostSchema.optional(),
});
type DemoFlags = z.infer<typeof DemoFlagsSchema>;

/** What the demo runs: typed values, the same `run` would take from its flags. */
function demoRunFlags(demo: DemoFlags): RunFlags {
  return {
    ...demo,
    benchmark: demoBenchmark.name,
    dataset: DEMO_DATASET_PATH,
    skipUnsupported: false,
    endpoint: [],
    agent: seraScaffold.name,
    // no key is sent to the local replay server, whatever OPENAI_API_KEY holds
    apiKeyEnv: 'SERA_EVAL_DEMO_NO_KEY',
    context: [{ name: '32k', tokens: 32 * 1024 }],
    seeds: [1],
    temperature: 0,
    topP: 1,
    maxSteps: DEFAULT_LIMITS.maxModelCalls,
    requestTimeout: DEFAULT_REQUEST_TIMEOUT_S,
    imageTemplate: 'local',
    pull: 'never',
    timeout: 300,
    network: false,
    memory: 2 * 1024 ** 3,
    pids: 1024,
    maxOutput: 8 * 1024 ** 2,
  };
}

export function registerDemo(program: Command, io: Io, schedule: Schedule): void {
  program
    .command('demo')
    .summary('the whole pipeline with nothing but Docker: demo repos, a replay model, grading, the report')
    .description(
      'Build the demo benchmark (datasets/demo: small Python repositories with real bugs) into images from a local Debian base, ' +
        'serve a built-in replay model that replays recorded SERA-style trajectories (two fixes, one wrong fix, one context overflow), ' +
        'run the agent and grade every patch exactly as `run` does, then print the report. Needs a Docker daemon; the first run ' +
        'builds the base image with debootstrap (a few minutes), later runs reuse it.',
    )
    .option('--run-id <id>', 'name of the run (default: demo-<timestamp>); the same id resumes it')
    .option('--output <dir>', 'root of run directories', 'results')
    .option(
      '--sandbox <name>',
      'docker (images built from a local Debian base), local (the demo repos copied on this host: no Docker needed), or kubernetes ' +
        "(pods from the images built here, so the cluster's nodes must use this Docker: Docker Desktop, minikube's docker-env)",
      'docker',
    )
    .option('--sandbox-config <json|@file>', "the sandbox's own settings as JSON (kubernetes: kubeconfig, context, namespace, ...)")
    .option('--concurrency <n>', 'rollouts at once', '2')
    .option('--eval-workers <n>', 'grading containers at once', '2')
    .option(...DOCKER_HOST_OPTION)
    .action((opts: { runId?: string; output: string; sandbox: string; sandboxConfig?: string; concurrency: string; evalWorkers: string; dockerHost?: string }) =>
      schedule(async () => {
        const flags = demoRunFlags(parseFlags(DemoFlagsSchema, opts, 'demo'));
        const { runId, layout } = runLayoutFor(flags, 'demo');
        const { rows } = await loadDataset(DEMO_DATASET_PATH, { cacheDir: datasetCacheDir() });
        io.stderr.write('sera-eval demo: preparing images (cached after the first run)\n');
        // --sandbox local: the demo repos, materialized once, are the images it copies from
        const workspaceRoot = flags.sandbox === 'local' ? await mkdtemp(path.join(os.tmpdir(), 'sera-eval-demo-')) : null;
        try {
          const workspaces = workspaceRoot === null ? {} : { workspaces: await materializeDemoWorkspaces(rows, workspaceRoot) };
          const sandbox = await sandboxFor(flags, runId, io, flags.evalWorkers, workspaces);
          // Built on the docker sandbox's engine; for kubernetes on this machine's, which the nodes must share.
          const docker = sandbox.provider instanceof DockerSandboxProvider ? sandbox.provider.client : workspaceRoot === null ? dockerClient(flags.dockerHost) : null;
          if (docker) {
            await buildDemoImages(rows, (gitDir, imageName) => buildRepoImage(docker, { gitDir, imageName }), (name) => io.stderr.write(`  image ${name}\n`));
          }
          const replay = await startReplayServer(await demoReplayScript(rows));
          try {
            await executeRun({ ...flags, baseUrl: replay.url }, runId, layout, sandbox, io, 'demo');
          } finally {
            await replay.close();
          }
        } finally {
          if (workspaceRoot !== null) await rm(workspaceRoot, { recursive: true, force: true });
        }
        await reportCommand({ runDir: layout.root, format: 'table', dataset: DEMO_DATASET_PATH }, io);
        io.stdout.write(`\nrun directory: ${layout.root}\nmore: sera-eval report ${layout.root} --format html > report.html\n`);
        return EXIT.ok;
      }),
    );
}
