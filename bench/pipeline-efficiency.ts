/**
 * Pipeline efficiency without Docker: N rollouts of the real agent loop through rolloutCell at
 * concurrency C (1, 4, 16), each in a LocalEnvironment on its own copy of a demo repository, against
 * a model server that answers every chat completion after a fixed latency (200 ms, 2 s). Ideal wall
 * time is ceil(N/C) × calls × latency; whatever the run takes beyond that is the harness's own
 * overhead. The CPU this process and its children (shells, git) used per wall second says whether
 * the machine's cores were the limit.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import PQueue from 'p-queue';
import { connectModelClient, type ModelClient } from '../src/model/model-client.js';
import { startReplayServer } from '../src/model/replay-server.js';
import { ReplayScriptSchema } from '../src/model/replay-script.js';
import { demoRepoSourceDir, materializeRepo } from '../src/benchmarks/demo/demo-repo.js';
import type { SweBenchInstance } from '../src/dataset/schema.js';
import { LocalEnvironment } from '../src/environment/local-environment.js';
import { SeraConfigSchema, seraScaffold } from '../src/agents/sera/sera-scaffold.js';
import { sweBenchTask } from '../src/benchmarks/benchmark.js';
import { rolloutCell } from '../src/pipeline/rollout-cell.js';
import { RunLayout } from '../src/run-dir/layout.js';
import type { Trajectory } from '../src/run-dir/schemas.js';
import { demoRows } from '../test/support/demo-fixtures.js';
import { FakeSandbox } from '../test/support/fake-sandbox.js';
import { startLatencyProxy } from './latency-proxy.js';
import { sampleMemoryDuring } from './memory-sampler.js';
import type { Section, SectionResult } from './section.js';
import { fmt, median } from './stats.js';

const BASH_TURNS = 3;
/** Three bash turns, then submit twice (the first shows the review, the second submits). */
const CALLS_PER_ROLLOUT = BASH_TURNS + 2;
const SERVER_CONTEXT = 65536;
/** A 32k budget on a longer endpoint, so each call also pays the harness's /tokenize round trip. */
const BUDGET = { contextTokens: 32768 };

interface Plan {
  rollouts: number;
  concurrency: number;
  latencyMs: number;
}

/** Full runs: two rounds of C rollouts at 200 ms, one round at 2 s (ten seconds of model time). */
const PLANS: Plan[] = [1, 4, 16].flatMap((concurrency) => [
  { rollouts: 2 * concurrency, concurrency, latencyMs: 200 },
  { rollouts: concurrency, concurrency, latencyMs: 2000 },
]);
const QUICK_PLANS: Plan[] = [
  { rollouts: 2, concurrency: 1, latencyMs: 200 },
  { rollouts: 8, concurrency: 4, latencyMs: 200 },
];
/** The 95 % goal, where the cores are not the limit. */
const GOAL = 0.95;

/** CPU seconds of this process and its reaped children (the shells and git of each environment), from /proc. */
function cpuSecondsWithChildren(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // utime, stime, cutime, cstime are fields 14-17 of stat(5); index 11-14 after the command name
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / 100;
}

function replayScript(instance: SweBenchInstance) {
  const bash = (command: string) => ({ content: '', tool_calls: [{ name: 'bash', arguments: { command } }] });
  const submit = { content: '', tool_calls: [{ name: 'submit', arguments: {} }] };
  return ReplayScriptSchema.parse({
    model: 'sera-bench',
    max_model_len: SERVER_CONTEXT,
    conversations: [{ match: instance.problem_statement, turns: [bash('echo hi'), bash('true'), bash('echo hi'), submit, submit] }],
  });
}

/** One fresh repository per rollout, made before the clock starts: copying a repo is not harness overhead. */
async function prepareRepos(root: string, instance: SweBenchInstance, count: number): Promise<string[]> {
  const dirs: string[] = [];
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `repo-${i}`);
    const sha = await materializeRepo(demoRepoSourceDir(instance.repo), dir);
    if (sha !== instance.base_commit) throw new Error(`${instance.instance_id}: materialized ${sha}, expected ${instance.base_commit}`);
    dirs.push(dir);
  }
  return dirs;
}

async function runRollouts(plan: Pick<Plan, 'rollouts' | 'concurrency'>, instance: SweBenchInstance, client: ModelClient, root: string, repos: string[], firstSeed: number) {
  const sandbox = new FakeSandbox((_request, index) => new LocalEnvironment(repos[index]!));
  const layout = new RunLayout(path.join(root, `run-${firstSeed}`));
  const queue = new PQueue({ concurrency: plan.concurrency });
  const seeds = Array.from({ length: plan.rollouts }, (_, i) => firstSeed + i);
  // distinct seeds keep the replay server's per-conversation progress apart across concurrent rollouts
  return Promise.all(
    seeds.map((seed) =>
      queue.add(
        () =>
          rolloutCell(
            {
              cell: { instanceId: instance.instance_id, context: '32k', seed: String(seed) },
              task: sweBenchTask(instance),
              image: 'none',
              agent: { scaffold: seraScaffold, config: SeraConfigSchema.parse({}) },
              client,
              budget: BUDGET,
              sampling: { temperature: 0, topP: 1, seed },
            },
            { sandbox, layout, attempts: 1 },
          ),
      ),
    ),
  );
}

function checkTrajectories(trajectories: Trajectory[]): void {
  for (const t of trajectories) {
    if (t.exit_status !== 'submitted' || t.stats.model_calls !== CALLS_PER_ROLLOUT) {
      throw new Error(`seed ${t.seed}: ${t.exit_status} after ${t.stats.model_calls} model calls (expected submitted after ${CALLS_PER_ROLLOUT})${t.error ? `: ${t.error.message}` : ''}`);
    }
  }
}

/** Where a rollout's time went, from its own stats: the model (latency included), tools, and the rest. */
function breakdown(plan: Plan, trajectories: Trajectory[]): string {
  const ms = (pick: (t: Trajectory) => number) => fmt.ms(median(trajectories.map(pick)) * 1000);
  return (
    `${plan.latencyMs} ms, C=${plan.concurrency}, per rollout (medians): wall ${ms((t) => t.stats.wall_time_s)} = model calls ${ms((t) => t.stats.model_time_s)} ` +
    `+ tools ${ms((t) => t.stats.tool_time_s)} + the rest ${ms((t) => t.stats.wall_time_s - t.stats.model_time_s - t.stats.tool_time_s)} (repo setup, /tokenize, the agent loop)`
  );
}

interface Row {
  plan: Plan;
  calls: number;
  wallMs: number;
  idealMs: number;
  coresUsed: number;
  load: number;
  rssPerRollout: number;
  trajectories: Trajectory[];
}

async function measurePlan(plan: Plan, instance: SweBenchInstance, root: string): Promise<Row> {
  const replay = await startReplayServer(replayScript(instance));
  const proxy = await startLatencyProxy(replay.url, plan.latencyMs);
  try {
    const client = await connectModelClient({ baseUrl: proxy.url });
    const dir = path.join(root, `${plan.latencyMs}-${plan.concurrency}`);
    const repos = await prepareRepos(dir, instance, plan.rollouts);
    const chatsBefore = proxy.chatCompletions();
    const cpuBefore = cpuSecondsWithChildren();
    const started = performance.now();
    const { value: trajectories, memory } = await sampleMemoryDuring(() => runRollouts(plan, instance, client, dir, repos, 1));
    const wallMs = performance.now() - started;
    const coresUsed = (cpuSecondsWithChildren() - cpuBefore) / (wallMs / 1000);
    checkTrajectories(trajectories);
    return {
      plan,
      calls: proxy.chatCompletions() - chatsBefore,
      wallMs,
      idealMs: Math.ceil(plan.rollouts / plan.concurrency) * CALLS_PER_ROLLOUT * plan.latencyMs,
      coresUsed,
      load: os.loadavg()[0]!,
      rssPerRollout: (memory.peakRss - memory.baselineRss) / plan.concurrency,
      trajectories,
    };
  } finally {
    await proxy.close();
    await replay.close();
    await rm(path.join(root, `${plan.latencyMs}-${plan.concurrency}`), { recursive: true, force: true });
  }
}

/** Cores are the limit when this run used most of them, or other work on the machine already asks for more than there are. */
function coresLimit(row: Row): string {
  const cores = os.availableParallelism();
  if (row.coresUsed >= 0.75 * cores) return `cores (this run used ${row.coresUsed.toFixed(2)})`;
  if (row.load > cores) return `cores (machine load ${row.load.toFixed(1)} on ${cores})`;
  return 'not cores';
}

export const pipelineEfficiencySection: Section = {
  title: 'Pipeline efficiency (rolloutCell + LocalEnvironment, model latency 200 ms and 2 s, no Docker)',
  needs: 'nothing',
  async run(quick): Promise<SectionResult> {
    const plans = quick ? QUICK_PLANS : PLANS;
    const instance = demoRows()[0]!;
    const root = await mkdtemp(path.join(os.tmpdir(), 'sera-eval-bench-pipeline-'));
    try {
      // one rollout first, untimed, so module loading and JIT warm-up are not counted
      await measurePlan({ rollouts: 1, concurrency: 1, latencyMs: 0 }, instance, root);
      const rows: Row[] = [];
      for (const plan of plans) rows.push(await measurePlan(plan, instance, root));
      return {
        head: ['latency', 'N', 'C', 'calls', 'measured wall', 'ideal', 'efficiency', 'goal 95 %', 'overhead / call', 'CPU used', 'limit', 'RSS Δ / C'],
        rows: rows.map((r) => {
          const efficiency = r.idealMs / r.wallMs;
          const rounds = Math.ceil(r.plan.rollouts / r.plan.concurrency) * CALLS_PER_ROLLOUT;
          return [
            fmt.ms(r.plan.latencyMs),
            String(r.plan.rollouts),
            String(r.plan.concurrency),
            String(r.calls),
            fmt.ms(r.wallMs),
            fmt.ms(r.idealMs),
            fmt.percent(efficiency),
            efficiency >= GOAL ? 'met' : 'missed',
            fmt.ms((r.wallMs - r.idealMs) / rounds),
            `${r.coresUsed.toFixed(2)} cores`,
            coresLimit(r),
            fmt.mib(r.rssPerRollout),
          ];
        }),
        notes: [
          `ideal = ceil(N/C) × ${CALLS_PER_ROLLOUT} calls × latency; overhead per call = (wall − ideal) / (ceil(N/C) × ${CALLS_PER_ROLLOUT}) (environment start, agent loop, /tokenize, tools, trajectory writes)`,
          `CPU used = CPU seconds of this process and its shells and git per wall second; ${os.availableParallelism()} cores`,
          ...rows.map((r) => breakdown(r.plan, r.trajectories)),
          'memory: peak − baseline of this process, divided by C; the fake model server runs in-process and is included',
        ],
      };
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};
