/**
 * `sera-eval demo` in-process on real Docker: demo images, the built-in replay model, the agent,
 * grading and the report; then the same run id again, which must resume without a new rollout.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_ID_LABEL } from '../../src/environment/docker/container-registry.js';
import { DEMO_BEHAVIOURS } from '../../src/benchmarks/demo/demo-replay.js';
import { RunSpecSchema } from '../../src/run-dir/run-spec.js';
import { ImageLedgerSchema, PredictionSchema, TrajectorySchema } from '../../src/run-dir/schemas.js';
import { runCli } from '../support/cli-runner.js';
import { demoRows, ensureDemoImages } from '../support/demo-fixtures.js';
import { requireDocker } from '../support/docker.js';

const docker = await requireDocker();
const RUN_ID = 'demo-it';

function trajectoryFile(runDir: string, id: string): string {
  return path.join(runDir, 'trajectories', '32k', '1', `${id}.traj.json`);
}

describe.skipIf(!docker.available)('sera-eval demo on real Docker', () => {
  let out: string;
  let runDir: string;
  let first: Awaited<ReturnType<typeof runCli>>;
  const ids = demoRows().map((r) => r.instance_id);

  beforeAll(async () => {
    await ensureDemoImages(docker.docker);
    out = mkdtempSync(path.join(tmpdir(), 'sera-eval-demo-'));
    runDir = path.join(out, RUN_ID);
    first = await runCli(['demo', '--run-id', RUN_ID, '--output', out]);
  }, 600_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('exits 0 and reports 2 of 4 resolved, one wrong fix and one context overflow', () => {
    expect(first.stderr).not.toContain('unexpected error');
    expect(first.code).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(summary.total_instances).toBe(4);
    expect(summary.resolved_instances).toBe(2);
    expect([...summary.resolved_ids].sort()).toEqual(
      Object.entries(DEMO_BEHAVIOURS).filter(([, b]) => b === 'fix').map(([id]) => id).sort(),
    );
    expect(summary.unresolved_ids).toEqual(['sera-eval__csvkit-lite-23']);
    expect(summary.empty_patch_ids).toEqual(['sera-eval__csvkit-lite-31']);
    expect(first.stdout).toContain('run directory: ' + runDir);

    const statuses = ids.map((id) => TrajectorySchema.parse(JSON.parse(readFileSync(trajectoryFile(runDir, id), 'utf8'))).exit_status);
    expect(statuses.filter((s) => s === 'exit_context')).toHaveLength(1);
    const overflow = TrajectorySchema.parse(JSON.parse(readFileSync(trajectoryFile(runDir, 'sera-eval__csvkit-lite-31'), 'utf8')));
    expect(overflow.exit_status).toBe('exit_context');
    expect(overflow.autosubmitted).toBe(true);
  });

  it('writes run.json, predictions for 32k seed 1, a valid trajectory and the evaluation files per instance', () => {
    const manifest = RunSpecSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')));
    expect(manifest.format).toBe('sera-eval.run/2');
    expect(manifest.run_id).toBe(RUN_ID);
    expect(manifest.contexts).toEqual(['32k']);
    expect(manifest.seeds).toEqual(['1']);

    const lines = readFileSync(path.join(runDir, 'predictions.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(4);
    const predictions = lines.map((l) => PredictionSchema.parse(JSON.parse(l)));
    expect(predictions.map((p) => p.instance_id).sort()).toEqual([...ids].sort());
    for (const p of predictions) {
      expect(p).toMatchObject({ context: '32k', seed: '1' });
      const trajectory = TrajectorySchema.parse(JSON.parse(readFileSync(trajectoryFile(runDir, p.instance_id), 'utf8')));
      expect(trajectory.submission).toBe(p.model_patch);
      expect(trajectory.steps.length).toBeGreaterThan(0);
      const cellDir = path.join(runDir, 'evaluation', '32k', '1', p.instance_id);
      // an empty patch is graded without a container: no eval.sh, no test output
      const files = p.model_patch === '' ? ['patch.diff', 'report.json'] : ['patch.diff', 'eval.sh', 'test_output.txt', 'report.json'];
      for (const file of files) {
        expect(existsSync(path.join(cellDir, file)), `${p.instance_id}/${file}`).toBe(true);
      }
      expect(readFileSync(path.join(cellDir, 'patch.diff'), 'utf8')).toBe(p.model_patch);
    }
  });

  it('records the id of each image as the daemon reports it, and the engine, and the report card shows them', async () => {
    const manifest = RunSpecSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')));
    const ledger = ImageLedgerSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'images.json'), 'utf8')));
    const version = await docker.docker.version();
    expect(ledger.engines.map((e) => e.version)).toEqual([version.Version]);
    const text = (await runCli(['report', runDir])).stdout;
    expect(Object.keys(manifest.run_card?.images ?? {}).sort()).toEqual([...ids].sort());
    for (const [id, image] of Object.entries(manifest.run_card?.images ?? {})) {
      const inspected = await docker.docker.getImage(image).inspect();
      // demo images are built here, so they have no registry digest
      expect(ledger.images[image]?.map((u) => [u.id, u.repo_digest]), image).toEqual([[inspected.Id, null]]);
      expect(text).toContain(`image ${id}: ${image}, no registry digest (built locally), id ${inspected.Id}`);
    }
  });

  it('resumes the same run id without starting any container or rewriting a trajectory', async () => {
    const mtimes = ids.map((id) => statSync(trajectoryFile(runDir, id)).mtimeMs);
    const started: string[] = [];
    const events = await docker.docker.getEvents({
      filters: { type: ['container'], event: ['create'], label: [`${RUN_ID_LABEL}=${RUN_ID}`] },
    });
    events.on('data', (chunk: Buffer) => started.push(chunk.toString()));
    try {
      const again = await runCli(['demo', '--run-id', RUN_ID, '--output', out]);
      expect(again.code).toBe(0);
      expect(ids.map((id) => statSync(trajectoryFile(runDir, id)).mtimeMs)).toEqual(mtimes);
      expect(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')).resolved_instances).toBe(2);
    } finally {
      (events as unknown as { destroy(): void }).destroy();
    }
    // finished grades are reused too, so this run creates no container at all
    expect(started).toEqual([]);
  }, 600_000);

  it('replays a recorded trajectory in fresh containers: the same submission, resolved again', async () => {
    const recorded = trajectoryFile(runDir, 'sera-eval__textwrapx-14');
    const replay = await runCli(['replay', recorded, '--output', out, '--run-id', 'replay-it']);
    expect(replay.stderr).not.toContain('unexpected error');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('sera-eval__textwrapx-14: patch identical to the recorded submission');
    expect(replay.stdout).toContain('exit submitted; verdict resolved');
    const replayed = TrajectorySchema.parse(JSON.parse(readFileSync(trajectoryFile(path.join(out, 'replay-it'), 'sera-eval__textwrapx-14'), 'utf8')));
    const original = TrajectorySchema.parse(JSON.parse(readFileSync(recorded, 'utf8')));
    expect(replayed.submission).toBe(original.submission);
    expect(replayed.submission).toContain('textwrapx/truncate.py');
    expect(replayed.model).toBe(original.model);
    // the run directory came from the recorded run's run.json: the demo dataset and local images
    const manifest = RunSpecSchema.parse(JSON.parse(readFileSync(path.join(out, 'replay-it', 'run.json'), 'utf8')));
    expect(manifest.benchmark.instances.map((i) => i.id)).toEqual(['sera-eval__textwrapx-14']);
    expect(manifest.benchmark.image_template).toBe('local');
  }, 600_000);
});
