import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
import { DOCKER_HOST_OPTION, containerCpus, runLayoutFor, sandboxFor, sandboxManifest, type ContainerFlags } from '../grading-options.js';
import { planRollouts, type RolloutRequest } from '../../pipeline/plan-run.js';
import { datasetCacheDir } from '../../pipeline/select-instances.js';
import { assertNotPlanned } from '../../pipeline/shards-plan.js';
import { startRollouts } from '../../pipeline/start-run.js';
import { positiveInt } from '../flags.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../io.js';

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

/** What the demo runs, as the request `run` would build from its flags; the replay server's URL is known later. */
function demoRequest(runId: string, demo: DemoFlags, sandbox: RolloutRequest['sandbox'], url: string): RolloutRequest {
  return {
    command: 'demo',
    runId,
    selection: { benchmark: demoBenchmark.name, dataset: DEMO_DATASET_PATH, filters: {} },
    skipUnsupported: false,
    imageTemplate: 'local',
    endpoints: [{ context: '32k', tokens: 32 * 1024, url }],
    // no key is sent to the local replay server, whatever OPENAI_API_KEY holds
    apiKeyEnv: 'SERA_EVAL_DEMO_NO_KEY',
    requestTimeoutS: DEFAULT_REQUEST_TIMEOUT_S,
    sampling: { temperature: 0, top_p: 1, max_tokens: null },
    agent: { name: seraScaffold.name },
    limits: { max_steps: DEFAULT_LIMITS.maxModelCalls, rollout_timeout_s: null },
    seeds: [1],
    sandbox,
    grading: { ...DEMO_GRADING, cpus: containerCpus({}, demo.evalWorkers) },
    execution: { concurrency: demo.concurrency, eval_workers: demo.evalWorkers },
  };
}

const DEMO_GRADING = { timeout_s: 300, max_output_bytes: 8 * 1024 ** 2, network: false, memory_bytes: 2 * 1024 ** 3, pids_limit: 1024 };

/** The container settings the demo's sandbox is configured from, as `run` takes them from its flags. */
function demoContainerFlags(demo: DemoFlags): ContainerFlags {
  return {
    ...demo,
    imageTemplate: 'local',
    pull: 'never',
    timeout: DEMO_GRADING.timeout_s,
    network: DEMO_GRADING.network,
    memory: DEMO_GRADING.memory_bytes,
    pids: DEMO_GRADING.pids_limit,
    maxOutput: DEMO_GRADING.max_output_bytes,
  };
}

export const demoCommand = defineCommand({
  name: 'demo',
  flagsSchema: DemoFlagsSchema,
  configure: (command) =>
    command
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
      .option(...DOCKER_HOST_OPTION),
  async handler(demo, { io }) {
    const flags = demoContainerFlags(demo);
    const { runId, layout } = runLayoutFor(flags, 'demo');
    assertNotPlanned(layout.root);
    const { rows } = await loadDataset(DEMO_DATASET_PATH, { cacheDir: datasetCacheDir() });
    io.stderr.write('sera-eval demo: preparing images (cached after the first run)\n');
    // --sandbox local: the demo repos, materialized once, are the images it copies from
    const workspaceRoot = flags.sandbox === 'local' ? await mkdtemp(path.join(os.tmpdir(), 'sera-eval-demo-')) : null;
    try {
      const workspaces = workspaceRoot === null ? {} : { workspaces: await materializeDemoWorkspaces(rows, workspaceRoot) };
      const sandbox = await sandboxFor(flags, { id: runId, dir: layout.root }, io, demo.evalWorkers, workspaces);
      // Built on the docker sandbox's engine; for kubernetes on this machine's, which the nodes must share.
      const docker = sandbox.provider instanceof DockerSandboxProvider ? sandbox.provider.client : workspaceRoot === null ? dockerClient(flags.dockerHost) : null;
      if (docker) {
        await buildDemoImages(rows, (gitDir, imageName) => buildRepoImage(docker, { gitDir, imageName }), (name) => io.stderr.write(`  image ${name}\n`));
      }
      const replay = await startReplayServer(await demoReplayScript(rows));
      try {
        const planned = await planRollouts(demoRequest(runId, demo, sandboxManifest(sandbox), replay.url), io);
        await startRollouts(planned, { layout, sandbox: sandbox.provider, io });
      } finally {
        await replay.close();
      }
    } finally {
      if (workspaceRoot !== null) await rm(workspaceRoot, { recursive: true, force: true });
    }
    await reportCommand({ runDir: layout.root, format: 'table', dataset: DEMO_DATASET_PATH }, io);
    io.stdout.write(`\nrun directory: ${layout.root}\nmore: sera-eval report ${layout.root} --format html > report.html\n`);
    return EXIT.ok;
  },
});
