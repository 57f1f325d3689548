/**
 * One rollout through the pipeline's cell, the fake model server and a LocalEnvironment on a demo repo:
 * server faults end as infrastructure and are redone on resume; a model that broke its own environment
 * keeps its outcome.
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectModelClient } from '../../../src/model/model-client.js';
import type { ReplayServer } from '../../../src/model/replay-server.js';
import type { ReplayTurn } from '../../../src/model/replay-script.js';
import { SeraConfigSchema, seraScaffold } from '../../../src/agents/sera/sera-scaffold.js';
import { sweBenchTask } from '../../../src/benchmarks/benchmark.js';
import { demoRepoSourceDir, materializeRepo } from '../../../src/benchmarks/demo/demo-repo.js';
import { LocalEnvironment } from '../../../src/environment/local-environment.js';
import { finishedTrajectory, rolloutCell } from '../../../src/pipeline/rollout-cell.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { layoutWriter, type TrajectoryFileWriter } from '../../../src/run-dir/trajectory-log.js';
import { demoRow } from '../../support/demo-fixtures.js';
import { startFakeModelServer, turn, type Fault } from '../../support/fake-model-server.js';
import { FakeSandbox } from '../../support/fake-sandbox.js';

const row = demoRow('sera-eval__textwrapx-14');
const cell = { instanceId: row.instance_id, context: '32k', seed: '1' };
const FIX = turn.editor({ command: 'str_replace', path: '/testbed/textwrapx/truncate.py', old_str: 'if len(text) >= width:', new_str: 'if len(text) > width:' });

let server: ReplayServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function rollout(turns: ReplayTurn[], faults: (index: number) => Fault | undefined, requestTimeoutS = 600, writer?: (layout: RunLayout) => TrajectoryFileWriter) {
  server = await startFakeModelServer({ conversations: [{ match: row.problem_statement, turns }], faults });
  const client = await connectModelClient({ baseUrl: server.url, requestTimeoutS });
  const root = mkdtempSync(path.join(tmpdir(), 'rollout-cell-'));
  dirs.push(root);
  const layout = new RunLayout(path.join(root, 'run'));
  const sandbox = new FakeSandbox(async () => {
    await materializeRepo(demoRepoSourceDir(row.repo), path.join(root, 'repo'));
    return new LocalEnvironment(path.join(root, 'repo'));
  });
  const trajectory = await rolloutCell(
    {
      cell,
      task: sweBenchTask(row),
      image: 'img',
      agent: { scaffold: seraScaffold, config: SeraConfigSchema.parse({}) },
      client,
      budget: { contextTokens: 32768 },
      sampling: { temperature: 0, topP: 1, seed: 1 },
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    },
    { sandbox, layout, retryBaseDelayMs: 1, ...(writer ? { writer: writer(layout) } : {}) },
  );
  return { trajectory, layout, resumed: await finishedTrajectory(layout, cell) };
}

describe('rolloutCell: whose failure it is', () => {
  it.each(['truncated_json', 'no_choices'] as const)('a server that only answers 200 %s: infrastructure, redone on resume', async (fault) => {
    const { trajectory, resumed } = await rollout([FIX, turn.submit(), turn.submit()], (i) => (i >= 1 ? fault : undefined));
    expect(trajectory).toMatchObject({ exit_status: 'exit_infrastructure', error: { code: 'model_unavailable' } });
    expect(resumed).toBeNull();
  });

  it('a server that hangs: cut by --request-timeout, infrastructure, redone on resume', async () => {
    const { trajectory, resumed } = await rollout([FIX, turn.submit(), turn.submit()], (i) => (i >= 1 ? 'hang' : undefined), 0.3);
    expect(trajectory).toMatchObject({ exit_status: 'exit_infrastructure', error: { code: 'model_unavailable' } });
    expect(resumed).toBeNull();
  });

  it('one truncated answer among good ones: retried, the rollout submits and is kept', async () => {
    const { trajectory, resumed } = await rollout([FIX, turn.submit(), turn.submit()], (i) => (i === 1 ? 'truncated_json' : undefined));
    expect(trajectory).toMatchObject({ exit_status: 'submitted', stats: { infrastructure_retries: 1 } });
    expect(trajectory.submission).toContain('+    if len(text) > width:');
    expect(resumed?.exit_status).toBe('submitted');
  });

  it('a model that kills its shell: its own outcome with its patch, kept on resume', async () => {
    const { trajectory, resumed } = await rollout([FIX, turn.bash('kill -9 $$'), turn.submit()], () => undefined);
    expect(trajectory).toMatchObject({ exit_status: 'exit_error', error: { code: 'exit_environment_error' } });
    expect(trajectory.submission).toContain('+    if len(text) > width:');
    expect(resumed?.exit_status).toBe('exit_error');
  });
});

describe('rolloutCell: trajectory bytes', () => {
  it('writes at most twice the final trajectory over a 40-step rollout, and leaves only the .traj.json', async () => {
    const written = new Map<string, number>();
    const count = (file: string, text: string) => written.set(file, (written.get(file) ?? 0) + Buffer.byteLength(text));
    const counting = (layout: RunLayout): TrajectoryFileWriter => {
      const inner = layoutWriter(layout);
      return {
        write: async (file, text) => {
          count(file, text);
          await inner.write(file, text);
        },
        append: async (file, text) => {
          count(file, text);
          await inner.append(file, text);
        },
        remove: (file) => inner.remove(file),
      };
    };
    const looks = Array.from({ length: 38 }, (_, i) => turn.bash(`seq ${i} 90`));
    const { trajectory, layout } = await rollout([...looks, FIX, turn.submit(), turn.submit()], () => undefined, 600, counting);
    expect(trajectory.exit_status).toBe('submitted');
    expect(trajectory.steps).toHaveLength(41);
    const finalBytes = statSync(layout.trajectory(cell)).size;
    const total = [...written.values()].reduce((a, b) => a + b, 0);
    expect(written.get(layout.trajectory(cell))).toBe(finalBytes);
    expect(total).toBeLessThanOrEqual(2 * finalBytes);
    expect(existsSync(layout.trajectoryLog(cell))).toBe(false);
  });
});
