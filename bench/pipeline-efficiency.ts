/**
 * Pipeline efficiency without Docker: N rollouts of the real agent loop through rolloutCell at
 * concurrency C, each in a LocalEnvironment on its own copy of a demo repository, against a model
 * server that answers every chat completion after a fixed latency. Ideal wall time is
 * ceil(N/C) × calls × latency; whatever the run takes beyond that is the harness's own overhead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import PQueue from 'p-queue';
import { connectModelClient, type ModelClient } from '../src/agent/model-client.js';
import { startReplayServer } from '../src/agent/replay-server.js';
import { ReplayScriptSchema } from '../src/agent/replay-script.js';
import { demoRepoSourceDir, materializeRepo } from '../src/dataset/demo-repo.js';
import type { SweBenchInstance } from '../src/dataset/schema.js';
import { LocalEnvironment } from '../src/environment/local-environment.js';
import { rolloutCell } from '../src/pipeline/rollout-cell.js';
import { RunLayout } from '../src/run-dir/layout.js';
import type { Trajectory } from '../src/run-dir/schemas.js';
import { demoRows } from '../test/support/demo-fixtures.js';
import { FakeSandbox } from '../test/support/fake-sandbox.js';
import { startLatencyProxy } from './latency-proxy.js';
import { sampleMemoryDuring } from './memory-sampler.js';
import type { Section, SectionResult } from './section.js';
import { fmt, median } from './stats.js';

const LATENCY_MS = 200;
const BASH_TURNS = 3;
/** Three bash turns, then submit twice (the first shows the review, the second submits). */
const CALLS_PER_ROLLOUT = BASH_TURNS + 2;
const SERVER_CONTEXT = 65536;
/** A 32k budget on a longer endpoint, so each call also pays the harness's /tokenize round trip. */
const BUDGET = { contextTokens: 32768 };

interface Plan {
  rollouts: number;
  concurrency: number;
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

async function runRollouts(plan: Plan, instance: SweBenchInstance, client: ModelClient, root: string, repos: string[], firstSeed: number) {
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
              instance,
              image: 'none',
              client,
              budget: BUDGET,
              sampling: { temperature: 0, topP: 1, seed },
              limits: {},
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
function breakdown(trajectories: Trajectory[]): string {
  const ms = (pick: (t: Trajectory) => number) => fmt.ms(median(trajectories.map(pick)) * 1000);
  return (
    `per rollout (medians): wall ${ms((t) => t.stats.wall_time_s)} = model calls ${ms((t) => t.stats.model_time_s)} ` +
    `(${CALLS_PER_ROLLOUT} × ${LATENCY_MS} ms latency) + tools ${ms((t) => t.stats.tool_time_s)} + ` +
    `the rest ${ms((t) => t.stats.wall_time_s - t.stats.model_time_s - t.stats.tool_time_s)} (repo setup, /tokenize, the rest of the agent loop)`
  );
}

export const pipelineEfficiencySection: Section = {
  title: `Pipeline efficiency (rolloutCell + LocalEnvironment, model latency ${LATENCY_MS} ms, no Docker)`,
  needs: 'nothing',
  async run(quick): Promise<SectionResult> {
    const plan: Plan = quick ? { rollouts: 8, concurrency: 4 } : { rollouts: 16, concurrency: 4 };
    const instance = demoRows()[0]!;
    const root = await mkdtemp(path.join(os.tmpdir(), 'sera-eval-bench-pipeline-'));
    const replay = await startReplayServer(replayScript(instance));
    const proxy = await startLatencyProxy(replay.url, LATENCY_MS);
    try {
      const client = await connectModelClient({ baseUrl: proxy.url });
      const repos = await prepareRepos(root, instance, plan.rollouts + 1);
      // one rollout first, untimed, so module loading and JIT warm-up are not counted
      checkTrajectories(await runRollouts({ rollouts: 1, concurrency: 1 }, instance, client, root, repos.slice(plan.rollouts), 1000));
      const chatsBefore = proxy.chatCompletions();
      const started = performance.now();
      const { value: trajectories, memory } = await sampleMemoryDuring(() =>
        runRollouts(plan, instance, client, root, repos.slice(0, plan.rollouts), 1),
      );
      const wallMs = performance.now() - started;
      checkTrajectories(trajectories);
      const calls = proxy.chatCompletions() - chatsBefore;
      const idealMs = Math.ceil(plan.rollouts / plan.concurrency) * CALLS_PER_ROLLOUT * LATENCY_MS;
      const perRollout = (bytes: number) => fmt.mib(bytes / plan.concurrency);
      return {
        head: ['N', 'C', 'calls', 'measured wall', 'ideal', 'efficiency', 'RSS Δ / C', 'heap Δ / C'],
        rows: [
          [
            String(plan.rollouts),
            String(plan.concurrency),
            String(calls),
            fmt.ms(wallMs),
            fmt.ms(idealMs),
            fmt.percent(idealMs / wallMs),
            perRollout(memory.peakRss - memory.baselineRss),
            perRollout(memory.peakHeap - memory.baselineHeap),
          ],
        ],
        notes: [
          `ideal = ceil(${plan.rollouts}/${plan.concurrency}) × ${CALLS_PER_ROLLOUT} calls × ${LATENCY_MS} ms; harness overhead per model call ≈ ${fmt.ms(
            (wallMs - idealMs) / (Math.ceil(plan.rollouts / plan.concurrency) * CALLS_PER_ROLLOUT),
          )} (environment start, agent loop, /tokenize, tools, trajectory writes)`,
          breakdown(trajectories),
          `memory: peak − baseline of this process over ${memory.samples} samples, divided by C; the fake model server runs in-process and is included`,
        ],
      };
    } finally {
      await proxy.close();
      await replay.close();
      await rm(root, { recursive: true, force: true });
    }
  },
};
