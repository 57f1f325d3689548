/**
 * `run` without Docker: rollouts in LocalEnvironments (real bash and git on a demo repository),
 * the fake model server, grading in scripted FakeEnvironments.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectModelClient, type ModelClient } from '../../../src/model/model-client.js';
import { demoBenchmark } from '../../../src/benchmarks/demo/demo.js';
import type { ReplayServer } from '../../../src/model/replay-server.js';
import { demoRepoSourceDir, materializeRepo } from '../../../src/benchmarks/demo/demo-repo.js';
import { EnvironmentUnavailableError } from '../../../src/environment/environment.js';
import { LocalEnvironment } from '../../../src/environment/local-environment.js';
import type { SandboxRequest } from '../../../src/environment/sandbox-provider.js';
import { runBenchmark } from '../../../src/pipeline/benchmark-run.js';
import { rolloutSpec } from '../../support/run-spec-fixture.js';
import { nodeFileOps, type FileOps } from '../../../src/run-dir/atomic-write.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { OutputWriteError } from '../../../src/run-dir/write-errors.js';
import { ShardLayout } from '../../../src/run-dir/shard-files.js';
import { cellSummaryOf } from '../../../src/run-dir/cell-summary.js';
import { TrajectorySchema } from '../../../src/run-dir/schemas.js';
import { demoRow } from '../../support/demo-fixtures.js';
import { FakeEnvironment } from '../../support/fake-environment.js';
import { startFakeModelServer, turn } from '../../support/fake-model-server.js';
import { FakeSandbox } from '../../support/fake-sandbox.js';

const row = demoRow('sera-eval__textwrapx-14');
const silent = { write: () => undefined };
const passingLog = [
  "+ : '>>>>> Start Test Output'",
  ...[...row.FAIL_TO_PASS, ...row.PASS_TO_PASS].map((t) => `PASSED ${t}`),
  "+ : '>>>>> End Test Output'",
  '>>>>> Test Exit Code: 0',
].join('\n');

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function sandboxFor(failRollouts = false): Promise<FakeSandbox> {
  return new FakeSandbox(async (request: SandboxRequest) => {
    if (request.purpose === 'grading') {
      return new FakeEnvironment((argv) => (argv[1] === '/eval.sh' ? { output: passingLog } : { output: 'applied' }));
    }
    if (failRollouts) throw new EnvironmentUnavailableError('container did not start');
    const dir = mkdtempSync(path.join(tmpdir(), 'rollout-'));
    await materializeRepo(demoRepoSourceDir(row.repo), path.join(dir, 'repo'));
    return new LocalEnvironment(path.join(dir, 'repo'));
  });
}

interface Context {
  name: string;
  tokens: number;
  client: ModelClient;
}

/** The spec the planner would build for these contexts, and the deps besides the sandbox. */
function setup(root: string, contexts: Context[], tweak: { seeds?: string[]; concurrency?: number; evalWorkers?: number } = {}) {
  return {
    spec: rolloutSpec({ benchmark: demoBenchmark.name, imageTemplate: 'local', contexts, seeds: tweak.seeds ?? ['1', '2'], concurrency: tweak.concurrency ?? 2, evalWorkers: tweak.evalWorkers ?? 2 }),
    deps: { layout: new RunLayout(root), rows: [row], clients: new Map(contexts.map((c) => [c.name, c.client])), retryBaseDelayMs: 1 },
  };
}

const fixTurns = [
  turn.editor({ command: 'str_replace', path: '/testbed/textwrapx/truncate.py', old_str: 'if len(text) >= width:', new_str: 'if len(text) > width:' }),
  turn.submit(),
  turn.submit(),
];

describe('runBenchmark', () => {
  it('rolls out every instance × context × seed, grades each patch, and resumes without redoing anything', async () => {
    server = await startFakeModelServer({ conversations: [{ match: row.problem_statement, turns: fixTurns }], maxModelLen: 65536 });
    const client = await connectModelClient({ baseUrl: server.url });
    const contexts = [
      { name: '32k', tokens: 32768, client },
      { name: '64k', tokens: 65536, client },
    ];
    const root = mkdtempSync(path.join(tmpdir(), 'bench-run-'));
    const sandbox = await sandboxFor();
    const run = setup(root, contexts);
    const summary = await runBenchmark(run.spec, { ...run.deps, sandbox, progress: silent });

    expect(summary.contexts).toEqual(['32k', '64k']);
    expect(summary.resolved_instances).toBe(4);
    expect(sandbox.starts.filter((s) => s.purpose === 'rollout')).toHaveLength(4);
    const traj = TrajectorySchema.parse(JSON.parse(readFileSync(path.join(root, 'trajectories/32k/2', `${row.instance_id}.traj.json`), 'utf8')));
    expect(traj.exit_status).toBe('submitted');
    expect(traj.submission).toContain('+    if len(text) > width:');
    const cellFile = path.join(root, 'evaluation/32k/2', row.instance_id, 'cell.json');
    expect(JSON.parse(readFileSync(cellFile, 'utf8'))).toEqual(cellSummaryOf(traj));
    const predictions = readFileSync(path.join(root, 'predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(predictions.map((p) => `${p.context}/${p.seed}`)).toEqual(['32k/1', '32k/2', '64k/1', '64k/2']);
    // the 32k budget on a 64k endpoint is enforced by counting the prompt with /tokenize
    expect(server.requests.some((r) => r.path === '/tokenize')).toBe(true);

    const trajFile = path.join(root, 'trajectories/64k/1', `${row.instance_id}.traj.json`);
    const mtime = statSync(trajFile).mtimeMs;
    const again = await sandboxFor();
    const lines: string[] = [];
    const resumed = await runBenchmark(run.spec, { ...run.deps, sandbox: again, progress: { write: (t: string) => lines.push(t), isTTY: false } });
    expect(again.starts).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('run: 4/4 done [32k 2/2, 64k 2/2] (4 resumed) | running 0 | resolved 4');
    expect(statSync(trajFile).mtimeMs).toBe(mtime);
    expect(resumed.resolved_ids).toEqual(summary.resolved_ids);
  });

  it('removes containers off the critical path: the next rollout starts during the last removal, the run ends after all', async () => {
    server = await startFakeModelServer({ conversations: [{ match: row.problem_statement, turns: fixTurns }] });
    const client = await connectModelClient({ baseUrl: server.url });
    const root = mkdtempSync(path.join(tmpdir(), 'bench-run-'));
    const events: string[] = [];
    const sandbox = new FakeSandbox(async (request: SandboxRequest) => {
      events.push(`start ${request.purpose} ${request.cell.seed}`);
      const env =
        request.purpose === 'grading'
          ? new FakeEnvironment((argv) => (argv[1] === '/eval.sh' ? { output: passingLog } : { output: 'applied' }))
          : await (async () => {
              const dir = mkdtempSync(path.join(tmpdir(), 'rollout-'));
              await materializeRepo(demoRepoSourceDir(row.repo), path.join(dir, 'repo'));
              return new LocalEnvironment(path.join(dir, 'repo'));
            })();
      const close = env.close.bind(env);
      env.close = async () => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        await close();
        events.push(`removed ${request.purpose} ${request.cell.seed}`);
      };
      return env;
    });
    const run = setup(root, [{ name: '32k', tokens: 32768, client }], { concurrency: 1, evalWorkers: 1 });
    await runBenchmark(run.spec, { ...run.deps, sandbox, progress: silent });
    expect(events.indexOf('start rollout 2')).toBeLessThan(events.indexOf('removed rollout 1'));
    expect(events.filter((e) => e.startsWith('removed'))).toHaveLength(4);
  });

  it('reports rollouts whose container never starts as infrastructure, and redoes them on resume', async () => {
    server = await startFakeModelServer({ conversations: [{ match: row.problem_statement, turns: fixTurns }] });
    const client = await connectModelClient({ baseUrl: server.url });
    const contexts = [{ name: '32k', tokens: 32768, client }];
    const root = mkdtempSync(path.join(tmpdir(), 'bench-run-'));
    const lines: string[] = [];
    const progress = { write: (t: string) => lines.push(t), isTTY: false };
    const run = setup(root, contexts, { seeds: ['1'] });
    const broken = await runBenchmark(run.spec, { ...run.deps, sandbox: await sandboxFor(true), progress });
    expect(broken.infrastructure_instances).toBe(1);
    // the progress line counts exactly the retries the trajectory records (3 tries: 2 restarts)
    const traj = TrajectorySchema.parse(JSON.parse(readFileSync(path.join(root, 'trajectories/32k/1', `${row.instance_id}.traj.json`), 'utf8')));
    expect(traj.stats.infrastructure_retries).toBe(2);
    expect(lines.at(-1)).toContain('retries 2 (rollouts 2, grading 0)');
    expect(broken.error_instances).toBe(0);
    expect(broken.resolved_instances).toBe(0);

    const healed = await runBenchmark(run.spec, { ...run.deps, sandbox: await sandboxFor(), progress: silent });
    expect(healed.infrastructure_instances).toBe(0);
    expect(healed.resolved_instances).toBe(1);
  });

  it('stops on abort with queued rollouts still waiting, instead of hanging', async () => {
    server = await startFakeModelServer({ conversations: [{ match: row.problem_statement, turns: fixTurns }] });
    const client = await connectModelClient({ baseUrl: server.url });
    const root = mkdtempSync(path.join(tmpdir(), 'bench-run-'));
    const controller = new AbortController();
    const sandbox = new FakeSandbox(() => {
      controller.abort();
      throw new EnvironmentUnavailableError('aborting');
    });
    const { spec, deps } = setup(root, [{ name: '32k', tokens: 32768, client }], { concurrency: 1 });
    const run = runBenchmark(spec, { ...deps, sandbox, progress: silent, signal: controller.signal });
    await expect(run).rejects.toThrow(/interrupted/);
    expect(sandbox.starts).toHaveLength(1);
  });

  it('stops when the disk fills during a rollout: one OutputWriteError, no temp file, no new rollout, the lock released', async () => {
    server = await startFakeModelServer({ conversations: [{ match: row.problem_statement, turns: fixTurns }] });
    const client = await connectModelClient({ baseUrl: server.url });
    const root = mkdtempSync(path.join(tmpdir(), 'bench-run-'));
    const ops: FileOps = {
      ...nodeFileOps,
      writeFile: async (file, data) => {
        if (file.includes('.traj.json')) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        await nodeFileOps.writeFile(file, data);
      },
    };
    const sandbox = await sandboxFor();
    const { spec, deps } = setup(root, [{ name: '32k', tokens: 32768, client }], { concurrency: 1 });
    const error = await runBenchmark(spec, { ...deps, layout: new RunLayout(root, ops), sandbox, progress: silent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as Error).message).toMatch(/^cannot write .*trajectories\/32k\/\d\/sera-eval__textwrapx-14\.traj\.json: no space left on device \(ENOSPC\)/);
    expect(sandbox.starts.filter((s) => s.purpose === 'rollout')).toHaveLength(1);
    const files = readdirSync(root, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).not.toContain('run.lock');
  });

  it('with a cell filter (a shard worker) rolls out and grades only those cells, its run-level files under shards/<I>/', async () => {
    server = await startFakeModelServer({ conversations: [{ match: row.problem_statement, turns: fixTurns }], maxModelLen: 65536 });
    const client = await connectModelClient({ baseUrl: server.url });
    const contexts = [
      { name: '32k', tokens: 32768, client },
      { name: '64k', tokens: 65536, client },
    ];
    const root = mkdtempSync(path.join(tmpdir(), 'bench-run-'));
    const sandbox = await sandboxFor();
    const layout = new ShardLayout(root, { index: 1, count: 3 });
    const { spec, deps } = setup(root, contexts);
    const summary = await runBenchmark(spec, { ...deps, layout, cells: new Set([`64k/2/${row.instance_id}`]), sandbox, progress: silent });
    expect(sandbox.starts.map((s) => `${s.purpose} ${s.cell.context}/${s.cell.seed}`)).toEqual(['rollout 64k/2', 'grading 64k/2']);
    expect(summary.resolved_ids).toEqual([`64k/2/${row.instance_id}`]);
    expect(existsSync(path.join(root, 'trajectories/32k'))).toBe(false);
    expect(existsSync(path.join(root, 'predictions.jsonl'))).toBe(false);
    const predictions = readFileSync(path.join(root, 'shards/1/predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(predictions.map((p) => `${p.context}/${p.seed}`)).toEqual(['64k/2']);
    expect(existsSync(path.join(root, 'shards/1/run.json'))).toBe(true);
  });
});
