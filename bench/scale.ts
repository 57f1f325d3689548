/**
 * Harness cost at scale, no Docker: C concurrent rollouts of the real agent loop through rolloutCell,
 * each `STEPS` model calls long, against a fake model server in another process (bench/fake-model-process.ts)
 * and an environment that answers every command from a script, so what is measured is the harness
 * alone: its CPU per step, its memory per concurrent rollout, the trajectory bytes it writes per
 * rollout (beside the final file) and the event-loop lag the rollouts see.
 */
import { SeraConfigSchema, seraScaffold } from '../src/agents/sera/sera-scaffold.js';
import { sweBenchTask } from '../src/benchmarks/benchmark.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import PQueue from 'p-queue';
import { connectModelClient } from '../src/model/model-client.js';
import { SweBenchInstanceSchema } from '../src/dataset/schema.js';
import { rolloutCell } from '../src/pipeline/rollout-cell.js';
import { RunLayout } from '../src/run-dir/layout.js';
import { layoutWriter, type TrajectoryFileWriter } from '../src/run-dir/trajectory-log.js';
import { FakeEnvironment } from '../test/support/fake-environment.js';
import { FakeSandbox } from '../test/support/fake-sandbox.js';
import { sampleMemoryDuring } from './memory-sampler.js';
import type { Section, SectionResult } from './section.js';
import { fmt } from './stats.js';

const LATENCY_MS = 200;
/** What each bash step prints: about 1.2 KB, so 100 steps make a history of roughly 32K tokens. */
const OBSERVATION = Array.from({ length: 30 }, (_, i) => `src/module.py:${100 + i}:    def method_${i}(self, value, *args, **kwargs):`).join('\n');
const DIFF = 'diff --git a/src/module.py b/src/module.py\n--- a/src/module.py\n+++ b/src/module.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n';

const INSTANCE = SweBenchInstanceSchema.parse({
  repo: 'bench/scale',
  instance_id: 'bench__scale-1',
  base_commit: '0'.repeat(40),
  patch: '',
  test_patch: '',
  problem_statement: 'bench-scale: method_7 returns the wrong value for negative inputs',
  version: '1.0',
  FAIL_TO_PASS: '[]',
  PASS_TO_PASS: '[]',
});

/** Commands answer as a real repository would: the setup and syntax checks succeed, greps print, the diff is staged. */
function scriptedEnvironment(): FakeEnvironment {
  return new FakeEnvironment((argv) => {
    const command = argv.at(-1) ?? '';
    if (command.includes('git diff --cached')) return { output: Buffer.from(DIFF).toString('base64') };
    if (command.startsWith('grep')) return { output: `${OBSERVATION}\n` };
    return { output: '' };
  }, DIFF);
}

async function startServer(steps: number): Promise<{ url: string; child: ChildProcess }> {
  const args = JSON.stringify({ match: INSTANCE.problem_statement, steps, latencyMs: LATENCY_MS, context: 262144 });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fake-model-process.ts'), args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake model server exited with ${code}`)));
  });
  return { url, child };
}

interface Measured {
  concurrency: number;
  cpuMsPerStep: number;
  rssPerRollout: number;
  heapPerRollout: number;
  bytesPerRollout: number;
  finalBytesPerRollout: number;
  lagP99Ms: number;
  wallS: number;
}

async function measure(concurrency: number, steps: number, url: string, root: string): Promise<Measured> {
  const client = await connectModelClient({ baseUrl: url });
  const layout = new RunLayout(path.join(root, `run-${concurrency}`));
  const inner = layoutWriter(layout);
  let written = 0;
  const finals = new Map<string, number>();
  const writer: TrajectoryFileWriter = {
    write: async (file, text) => {
      written += Buffer.byteLength(text);
      if (file.endsWith('.traj.json')) finals.set(file, Buffer.byteLength(text));
      await inner.write(file, text);
    },
    append: async (file, text) => {
      written += Buffer.byteLength(text);
      await inner.append(file, text);
    },
    remove: (file) => inner.remove(file),
  };
  const sandbox = new FakeSandbox(() => scriptedEnvironment());
  const queue = new PQueue({ concurrency });
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  lag.enable();
  const { value: trajectories, memory } = await sampleMemoryDuring(() =>
    Promise.all(
      Array.from({ length: concurrency }, (_, i) =>
        queue.add(() =>
          rolloutCell(
            {
              cell: { instanceId: INSTANCE.instance_id, context: '32k', seed: String(i + 1) },
              task: sweBenchTask(INSTANCE),
              image: 'none',
              agent: { scaffold: seraScaffold, config: SeraConfigSchema.parse({ maxModelCalls: steps + 5 }) },
              client,
              budget: { contextTokens: 131072 },
              sampling: { temperature: 0, topP: 1, seed: i + 1 },
            },
            { sandbox, layout, attempts: 1, writer },
          ),
        ),
      ),
    ),
  );
  lag.disable();
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const modelCalls = trajectories.reduce((sum, t) => sum + t.stats.model_calls, 0);
  for (const t of trajectories) {
    if (t.exit_status !== 'submitted' || t.stats.model_calls !== steps) throw new Error(`seed ${t.seed}: ${t.exit_status} after ${t.stats.model_calls} calls${t.error ? `: ${t.error.message}` : ''}`);
  }
  return {
    concurrency,
    cpuMsPerStep: (cpu.user + cpu.system) / 1000 / modelCalls,
    rssPerRollout: (memory.peakRss - memory.baselineRss) / concurrency,
    heapPerRollout: (memory.peakHeap - memory.baselineHeap) / concurrency,
    bytesPerRollout: written / concurrency,
    finalBytesPerRollout: [...finals.values()].reduce((a, b) => a + b, 0) / concurrency,
    lagP99Ms: lag.percentile(99) / 1e6,
    wallS,
  };
}

export const scaleSection: Section = {
  title: `Scale (concurrent rollouts of the agent loop, fake model server in another process at ${LATENCY_MS} ms, no Docker)`,
  needs: 'nothing',
  async run(quick): Promise<SectionResult> {
    const steps = quick ? 20 : 100;
    const levels = quick ? [16, 32] : [64, 128, 256];
    const root = await mkdtemp(path.join(os.tmpdir(), 'sera-eval-bench-scale-'));
    const server = await startServer(steps);
    try {
      await measure(2, steps, server.url, root); // warm-up: module loading and JIT are not harness cost per step
      const rows: Measured[] = [];
      for (const c of levels) rows.push(await measure(c, steps, server.url, root));
      return {
        head: ['C', 'steps', 'CPU / step', 'RSS Δ / rollout', 'heap Δ / rollout', 'written / rollout', 'final .traj.json', 'written ÷ final', 'loop lag p99', 'wall'],
        rows: rows.map((m) => [
          String(m.concurrency),
          String(steps),
          fmt.ms(m.cpuMsPerStep),
          fmt.mib(m.rssPerRollout),
          fmt.mib(m.heapPerRollout),
          fmt.mib(m.bytesPerRollout),
          fmt.mib(m.finalBytesPerRollout),
          fmt.ratio(m.bytesPerRollout / m.finalBytesPerRollout),
          fmt.ms(m.lagP99Ms),
          fmt.s(m.wallS),
        ]),
        notes: [
          `goals: CPU per step and memory per rollout no worse than before (6-9 ms, 2-6 MiB); written ≤ 2× the final file; ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)}`,
          'CPU is this process only (the agent loop, model client, trajectory writes); the server process and its latency are not counted',
        ],
      };
    } finally {
      server.child.kill();
      await rm(root, { recursive: true, force: true });
    }
  },
};
