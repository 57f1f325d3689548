/**
 * Fixed cost per cell, phase by phase, on a demo image: the image check, container create, start, the
 * shell ready for its first command, the repository setup (one round trip), and removal. "before"
 * replays the start and close path call for call as it was until this section was added (the image
 * inspected for the ledger on every cell, the container inspected for the limits check on every
 * start, the shell's process tree killed through a fresh exec before removal); "after" is the code as
 * it is, through DockerSandboxProvider. Both remove in the background as the pipeline does
 * (BackgroundCloser), so removal is off the cell's critical path either way; its own time still
 * loads the daemon. Interleaved, alternating which goes first, so both see the same machine load.
 */
import type Dockerode from 'dockerode';
import { prepareRepository, startupCommands } from '../src/agents/sera/repo-setup.js';
import { demoBenchmark } from '../src/benchmarks/demo/demo.js';
import { DEMO_IMAGE_TEMPLATE } from '../src/benchmarks/demo/demo-images.js';
import { imageNameFor } from '../src/benchmarks/swe-bench/image-names.js';
import { MANAGED_LABEL, RUN_ID_LABEL, forceRemoveContainer, removeContainersByLabel } from '../src/environment/docker/container-registry.js';
import { DockerSandboxProvider } from '../src/environment/docker/docker-sandbox.js';
import { execProcess } from '../src/environment/docker/exec-process.js';
import { assertLimitsApplied } from '../src/environment/docker/limits-check.js';
import { startDockerShell } from '../src/environment/docker/persistent-shell.js';
import { KILL_PROCESS_TREE_SCRIPT } from '../src/environment/docker/process-tree.js';
import { sweAgentStartupLines } from '../src/environment/shell-session.js';
import { PATCH_PATH, applyAttemptScript } from '../src/evaluation/apply-chain.js';
import { EVAL_SCRIPT_PATH } from '../src/evaluation/grade-in-environment.js';
import { BackgroundCloser } from '../src/pipeline/background-close.js';
import { demoRows, ensureDemoImages } from '../test/support/demo-fixtures.js';
import type { Section, SectionResult } from './section.js';
import { fmt, median, percentile } from './stats.js';

const LIMITS = { network: false, memoryBytes: 2 * 2 ** 30, pidsLimit: 1024, nanoCpus: 1e9 };
const PHASES = ['image check', 'create', 'start', 'shell ready', 'repo setup', 'removal'] as const;
type Phase = (typeof PHASES)[number];
type Timings = Record<Phase, number> & { critical: number };

interface Cell {
  image: string;
  baseCommit: string;
  problemStatement: string;
  name: string;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

/** The start and close path before this section's changes, call for call. */
async function before(docker: Dockerode, cell: Cell, runId: string): Promise<Timings> {
  // ensureImage is once per image per run in both; the ledger's identity lookup was per cell
  const [, image] = await timed(() => docker.getImage(cell.image).inspect());
  const [container, create] = await timed(() =>
    docker.createContainer({
      name: cell.name,
      Image: cell.image,
      Cmd: ['sleep', 'infinity'],
      User: 'root',
      WorkingDir: '/testbed',
      Labels: { [RUN_ID_LABEL]: runId, [MANAGED_LABEL]: 'true' },
      HostConfig: { Init: true, NetworkMode: 'none', Memory: LIMITS.memoryBytes, MemorySwap: LIMITS.memoryBytes, PidsLimit: LIMITS.pidsLimit, NanoCpus: LIMITS.nanoCpus },
    }),
  );
  const [, start] = await timed(async () => {
    assertLimitsApplied(cell.name, LIMITS, (await container.inspect()).HostConfig);
    await container.start();
  });
  const host = {
    container,
    killProcessTree: async (pid: number, includeRoot: boolean) => {
      await execProcess(container, ['sh', '-c', KILL_PROCESS_TREE_SCRIPT, 'kill-tree', String(pid), includeRoot ? '1' : '0'], { cwd: '/', maxOutputBytes: 65536, timeoutS: 30 });
    },
  };
  const [shell, ready] = await timed(async () => {
    const session = await startDockerShell(host, '/testbed', sweAgentStartupLines(['/root/.bashrc']));
    await session.run(':', 30);
    return session;
  });
  const [, setup] = await timed(() => shell.run([...startupCommands(cell.baseCommit, cell.problemStatement), 'git add -A'].join(' && '), 120));
  const [, removal] = await timed(async () => {
    await shell.kill().catch(() => undefined);
    await forceRemoveContainer(docker, container.id);
  });
  return { 'image check': image, create, start, 'shell ready': ready, 'repo setup': setup, removal, critical: image + create + start + ready + setup };
}

/** A client that notes how long its last createContainer took, to split the provider's start into create and start. */
function timingCreates(docker: Dockerode): { client: Dockerode; lastCreate: { ms: number } } {
  const lastCreate = { ms: 0 };
  const createContainer = docker.createContainer.bind(docker);
  const client = Object.assign(Object.create(docker) as Dockerode, {
    createContainer: async (options: Dockerode.ContainerCreateOptions) => {
      const [container, ms] = await timed(() => createContainer(options));
      lastCreate.ms = ms;
      return container;
    },
  });
  return { client, lastCreate };
}

/** The code as it is: the provider's start, the first command, prepareRepository, and the pipeline's background close. */
async function after(provider: DockerSandboxProvider, lastCreate: { ms: number }, closer: BackgroundCloser, cell: Cell, attempt: number): Promise<Timings> {
  const [, image] = await timed(async () => {
    await provider.prepareImage(cell.image);
    await provider.imageIdentity(cell.image);
  });
  const request = { image: cell.image, cell: { instanceId: cell.name, context: 'bench', seed: '1' }, purpose: 'rollout' as const, attempt };
  const [env, started] = await timed(() => provider.start(request));
  const create = lastCreate.ms;
  const [, ready] = await timed(() => env.run(':', { timeoutS: 30 }));
  const [, setup] = await timed(() => prepareRepository(env, cell.baseCommit, cell.problemStatement));
  const [, onPath] = await timed(async () => closer.close(env));
  const [, removal] = await timed(() => env.close());
  return { 'image check': image, create, start: started - create, 'shell ready': ready, 'repo setup': setup, removal, critical: image + started + ready + setup + onPath };
}

/** Grading's setup before the tests, as gradeInEnvironment does it: patch copied, applied (first command of the chain), eval.sh copied. */
async function gradingSetup(provider: DockerSandboxProvider, closer: BackgroundCloser, cell: Cell, attempt: number, patch: string, evalScript: string): Promise<number> {
  const env = await provider.start({ image: cell.image, cell: { instanceId: cell.name, context: 'bench', seed: '1' }, purpose: 'grading', attempt });
  try {
    const [, ms] = await timed(async () => {
      await env.writeFile(PATCH_PATH, patch);
      const applied = await env.exec(['bash', '-c', applyAttemptScript(0)], { cwd: '/testbed', timeoutS: 60 });
      if (applied.exitCode !== 0) throw new Error(`gold patch did not apply: ${applied.output}`);
      await env.writeFile(EVAL_SCRIPT_PATH, evalScript);
    });
    return ms;
  } finally {
    closer.close(env);
  }
}

function columns(samples: Timings[], key: Phase | 'critical'): string[] {
  const values = samples.map((s) => s[key]);
  return [fmt.ms(median(values)), fmt.ms(percentile(values, 90))];
}

export const cellStartSection: Section = {
  title: 'Fixed cost per cell: create, start, shell ready, repo setup, removal (demo image; median and p90)',
  needs: 'docker',
  async run(quick, docker: Dockerode): Promise<SectionResult> {
    const iterations = quick ? 4 : 16;
    await ensureDemoImages(docker);
    const row = demoRows()[0]!;
    const runId = `bench-cell-start-${process.pid}-${Date.now()}`;
    const { client, lastCreate } = timingCreates(docker);
    const provider = new DockerSandboxProvider({ run: { id: runId, dir: `/nonexistent/${runId}` }, pull: 'never', limits: LIMITS, docker: client });
    const closer = new BackgroundCloser();
    const cell = (i: number): Cell => ({ image: imageNameFor(row, DEMO_IMAGE_TEMPLATE), baseCommit: row.base_commit, problemStatement: row.problem_statement, name: `${runId}-${i}` });
    // the provider's first start checks the limits and its first lookups fill its caches: a run's first
    // cell, made before the samples, which stand for the run's many others
    const old: Timings[] = [];
    const now: Timings[] = [];
    const grading: number[] = [];
    try {
      await after(provider, lastCreate, closer, cell(-1), 0);
      for (let i = 0; i < iterations; i++) {
        if (i % 2 === 0) old.push(await before(docker, cell(i), runId));
        now.push(await after(provider, lastCreate, closer, cell(i), i + 1));
        if (i % 2 === 1) old.push(await before(docker, cell(i), runId));
        grading.push(await gradingSetup(provider, closer, cell(i), i + 1, row.patch, demoBenchmark.gradingPlan(row).evalScript));
      }
    } finally {
      await closer.drain();
      await removeContainersByLabel(docker, runId);
    }
    const critical = (s: Timings[]) => median(s.map((t) => t.critical));
    return {
      head: ['phase', 'before median', 'before p90', 'after median', 'after p90'],
      rows: [
        ...PHASES.map((phase) => [phase, ...columns(old, phase), ...columns(now, phase)]),
        ['on the cell’s critical path', ...columns(old, 'critical'), ...columns(now, 'critical')],
      ],
      notes: [
        `${iterations} cells each way, interleaved; ${row.instance_id}; limits: memory ${fmt.mib(LIMITS.memoryBytes)}, pids ${LIMITS.pidsLimit}, 1 CPU, no network`,
        'image check: before, the image ledger inspected the image on every cell; after, once per image per run (the provider keeps it)',
        'start: from create to running (before: an inspect for the limits check on every container; after: on the provider’s first only)',
        'shell ready: the persistent shell attached, its start-up lines sent in one write, and a first `:` back',
        'removal: its own time, in the background (before: kill the shell’s process tree by exec, then remove; after: remove, which kills it)',
        'critical path: what the cell waits for, image check to repo setup; removal runs in the background (BackgroundCloser) beside the next cell',
        `ratio of critical paths (after / before): ${fmt.ratio(critical(now) / critical(old))}`,
        `grading setup, through the code as it is (patch copied, \`git apply\`, eval.sh copied; 3 round trips, unchanged): median ${fmt.ms(median(grading))}, p90 ${fmt.ms(percentile(grading, 90))}`,
        '  (copying patch and eval.sh at once measured no faster, 157 vs 153 ms median: not kept)',
      ],
    };
  },
};
