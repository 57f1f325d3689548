/**
 * Shard workers on real Docker: `plan --shards N`, then N `work --shard-from-env` processes with
 * JOB_COMPLETION_INDEX=i as an Indexed Job gives them (the command of the printed Job's pod), on the
 * demo benchmark. One worker is killed mid-shard and rerun; the merged report must equal a single
 * process's.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../../src/model/replay-server.js';
import { DEMO_DATASET_PATH } from '../../src/benchmarks/demo/demo-repo.js';
import { RUN_ID_LABEL } from '../../src/environment/docker/container-registry.js';
import { demoReplayScript } from '../../src/benchmarks/demo/demo-replay.js';
import { runCli } from '../support/cli-runner.js';
import { demoRows, ensureDemoImages } from '../support/demo-fixtures.js';
import { requireDocker } from '../support/docker.js';
import { comparableReport, finishedCells, spawnCli, spawnWorker } from '../support/shard-workers.js';

const docker = await requireDocker();
const demoArgs = (out: string, runId: string) => ['--dataset', DEMO_DATASET_PATH, '--image-template', 'local', '--pull', 'never', '--output', out, '--run-id', runId];

describe.skipIf(!docker.available)('shard workers on real Docker', () => {
  let out: string;
  beforeAll(async () => {
    await ensureDemoImages(docker.docker);
    out = mkdtempSync(path.join(tmpdir(), 'sera-eval-shards-'));
  });
  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('grades gold predictions in 2 worker processes, one killed mid-shard and rerun, to the report of one evaluate process', async () => {
    const single = await runCli(['evaluate', '--predictions', 'gold', '--workers', '1', ...demoArgs(out, 'single-evaluate')]);
    expect(single.code).toBe(0);

    const plan = await runCli(['plan', '--shards', '2', '--predictions', 'gold', '--workers', '1', ...demoArgs(out, 'sharded-evaluate')]);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const runDir = path.join(out, 'sharded-evaluate');

    // each worker runs the command of the printed Indexed Job's pod, with the index Kubernetes gives it
    const job = await runCli(['k8s', 'job', runDir, '--parallelism', '2', '--image', 'sera-eval:test', '--claim', 'results', '--pod-run-dir', runDir]);
    expect(job.code).toBe(0);
    const [program, ...podArgs] = JSON.parse(job.stdout).spec.template.spec.containers[0].command as string[];
    expect(program).toBe('sera-eval');
    const pod = (index: number) => spawnCli(podArgs, { JOB_COMPLETION_INDEX: String(index) });

    // shard 1 (index 0) holds csvkit-lite-23 and intervals-7; kill it once its first cell is graded
    const doomed = pod(0);
    const survivor = pod(1);
    const shardOne = ['-/-/sera-eval__csvkit-lite-23', '-/-/sera-eval__intervals-7'];
    const doneInShardOne = () => finishedCells(runDir).filter((c) => shardOne.includes(c)).length;
    for (let i = 0; i < 900 && doneInShardOne() < 1; i++) await sleep(200);
    doomed.child.kill('SIGKILL');
    expect((await doomed.done).code).toBeNull();
    expect(doneInShardOne()).toBe(1);
    const second = await survivor.done;
    expect(second.output).not.toContain('unexpected error');
    expect(second.code).toBe(0);

    // the report reads the shared directory and says which shard is incomplete
    const partial = await runCli(['report', runDir]);
    expect(partial.code).toBe(0);
    expect(partial.stderr).toContain('1 of 2 shards incomplete');
    expect(partial.stderr).toContain('shard 1/2 (array index 0): 1/2 cells finished');

    const rerun = pod(0);
    const rerunResult = await rerun.done;
    expect(rerunResult.output).toContain('(1 resumed)');
    // the killed worker's lock was its shard's only: the rerun takes it over, shard 2 never waited on it
    expect(rerunResult.output).toContain(`took over ${path.join(runDir, 'shards', '1', 'run.lock')}`);
    expect(rerunResult.code).toBe(0);

    // workers wrote only their own run-level files; nobody wrote the run-wide ones
    expect(existsSync(path.join(runDir, 'predictions.jsonl'))).toBe(false);
    expect(existsSync(path.join(runDir, 'report.json'))).toBe(false);
    for (const shard of ['1', '2']) {
      for (const file of ['run.json', 'predictions.jsonl', 'report.json']) expect(existsSync(path.join(runDir, 'shards', shard, file))).toBe(true);
    }

    const merged = await comparableReport(runDir);
    expect(merged.stderr).toBe('');
    expect(merged.json).toEqual((await comparableReport(path.join(out, 'single-evaluate'))).json);
    expect((merged.json.summary as { resolved_instances: number }).resolved_instances).toBe(demoRows().length);

    const leftovers = await docker.docker.listContainers({ all: true, filters: { label: [RUN_ID_LABEL] } });
    expect(leftovers.filter((c) => c.Labels[RUN_ID_LABEL]?.startsWith('sharded-evaluate'))).toEqual([]);
  });

  describe('rollouts against the demo replay model', () => {
    let replay: ReplayServer;
    beforeAll(async () => {
      replay = await startReplayServer(await demoReplayScript(demoRows()));
    });
    afterAll(async () => {
      await replay?.close();
    });

    it('rolls out and grades 2 shards in 2 worker processes to the report of one run process', async () => {
      // one fix and one wrong fix, from two repositories: one per shard
      const rolloutArgs = (runId: string) => [
        '--base-url', replay.url, '--api-key-env', 'SERA_EVAL_TEST_NO_KEY', '--instances', 'sera-eval__textwrapx-14,sera-eval__csvkit-lite-23',
        '--concurrency', '1', '--eval-workers', '1', '--memory', '2g', ...demoArgs(out, runId),
      ];
      const single = await runCli(['run', ...rolloutArgs('single-run')]);
      expect(single.stderr).not.toContain('unexpected error');
      expect(single.code).toBe(0);

      const plan = await runCli(['plan', '--shards', '2', ...rolloutArgs('sharded-run')]);
      expect(plan.code).toBe(0);
      const runDir = path.join(out, 'sharded-run');
      const workers = [spawnWorker(runDir, 0), spawnWorker(runDir, 1)];
      for (const worker of workers) {
        const result = await worker.done;
        expect(result.output).not.toContain('unexpected error');
        expect(result.code).toBe(0);
      }
      expect(finishedCells(runDir)).toEqual(['32k/1/sera-eval__csvkit-lite-23', '32k/1/sera-eval__textwrapx-14']);
      const merged = await comparableReport(runDir);
      expect(merged.stderr).toBe('');
      expect(merged.json).toEqual((await comparableReport(path.join(out, 'single-run'))).json);
      expect((merged.json.summary as { resolved_ids: string[] }).resolved_ids).toEqual(['sera-eval__textwrapx-14']);
    });
  });
});
