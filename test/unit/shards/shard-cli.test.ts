/** plan and work from the command line, up to where Docker would start: what they write and what they refuse (exit 2). */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_DATASET_PATH } from '../../../src/benchmarks/demo/demo-repo.js';
import { runCli } from '../../support/cli-runner.js';

const planArgs = (out: string, ...extra: string[]) => ['plan', '--predictions', 'gold', '--dataset', DEMO_DATASET_PATH, '--output', out, '--run-id', 'p', ...extra];

describe('sera-eval plan', () => {
  it('writes run.json, shards.json, the instances and each shard\'s predictions into the run directory', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'plan-cli-'));
    const run = await runCli(planArgs(out, '--shards', '2'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('planned 4 gradings of 4 instances in 2 shards (2-2 cells each)');
    const root = path.join(out, 'p');
    const manifest = JSON.parse(readFileSync(path.join(root, 'run.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'sera-eval.run/2', run_id: 'p', command: 'evaluate', predictions: 'gold', agent: null, model: null });
    expect(manifest.benchmark.instances).toHaveLength(4);
    const plan = JSON.parse(readFileSync(path.join(root, 'shards.json'), 'utf8'));
    expect(plan).toMatchObject({ format: 'sera-eval.shards/1', run_id: 'p', command: 'evaluate', count: 2 });
    expect(readFileSync(path.join(root, 'shards/instances.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
    const shardIds = (i: number) => readFileSync(path.join(root, `shards/${i}/predictions.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l).instance_id);
    expect([...shardIds(1), ...shardIds(2)].sort()).toEqual(plan.shards.flatMap((s: { cells: { instance_id: string }[] }) => s.cells.map((c) => c.instance_id)).sort());
    expect(existsSync(path.join(root, 'predictions.jsonl'))).toBe(false);
    expect(existsSync(path.join(root, 'run.lock'))).toBe(false);

    // the same plan again is a no-op; another split of the same directory is refused
    const again = await runCli(planArgs(out, '--shards', '2'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already planned with these 2 shards; nothing written');
    expect(JSON.parse(readFileSync(path.join(root, 'run.json'), 'utf8')).resumed_at).toBeUndefined();
    const other = await runCli(planArgs(out, '--shards', '3'));
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('already planned with 2 shards');
  });

  it('refuses more shards than instances, and rollout flags in an evaluate-only plan', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'plan-cli-'));
    const tooMany = await runCli(planArgs(out, '--shards', '5'));
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('--shards 5: only 4 instances to split');
    const mixed = await runCli(planArgs(out, '--shards', '2', '--base-url', 'http://127.0.0.1:9/v1'));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--base-url, --endpoint and --model are for rollouts');
    const secret = await runCli(['plan', '--shards', '2', '--base-url', 'http://user:s3cret@127.0.0.1:9/v1', '--dataset', DEMO_DATASET_PATH, '--output', out]);
    expect(secret.code).toBe(2);
    expect(secret.stderr).toContain('credentials in an endpoint URL would be written to shards.json');
    expect(secret.stderr).not.toContain('s3cret');
    const zero = await runCli(planArgs(out, '--shards', '0'));
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--shards');
  });
});

describe('planned and unplanned run directories are not mixed', () => {
  it('evaluate refuses a planned directory, and plan refuses one that run or evaluate already filled', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'mix-cli-'));
    expect((await runCli(planArgs(out, '--shards', '2'))).code).toBe(0);
    const evaluate = await runCli(['evaluate', '--predictions', 'gold', '--dataset', DEMO_DATASET_PATH, '--output', out, '--run-id', 'p']);
    expect(evaluate.code).toBe(2);
    expect(evaluate.stderr).toContain(`is planned in shards (shards.json); run its shards with sera-eval work ${path.join(out, 'p')} --shard I/N`);

    mkdirSync(path.join(out, 'done'));
    writeFileSync(path.join(out, 'done', 'predictions.jsonl'), '');
    const plan = await runCli(['plan', '--shards', '2', '--predictions', 'gold', '--dataset', DEMO_DATASET_PATH, '--output', out, '--run-id', 'done']);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('already holds a run made by sera-eval run or evaluate (predictions.jsonl)');
    expect(existsSync(path.join(out, 'done', 'shards.json'))).toBe(false);
  });
});

describe('sera-eval plan and the run lock', () => {
  it('stops while a live process owns the run directory, and leaves no lock of its own', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'plan-lock-'));
    const owner = spawn('sleep', ['30']);
    try {
      mkdirSync(path.join(out, 'p'));
      writeFileSync(path.join(out, 'p', 'run.lock'), JSON.stringify({ pid: owner.pid, host: hostname(), started_at: '2026-01-02T03:04:05.000Z', command: 'evaluate' }));
      const busy = await runCli(planArgs(out, '--shards', '2'));
      expect(busy.code).toBe(3);
      expect(busy.stderr).toContain(`is in use by sera-eval evaluate (pid ${owner.pid}`);
      expect(existsSync(path.join(out, 'p', 'shards.json'))).toBe(false);
    } finally {
      owner.kill();
    }
    const free = await runCli(planArgs(mkdtempSync(path.join(tmpdir(), 'plan-lock-')), '--shards', '2'));
    expect(free.code).toBe(0);
  });
});

describe('sera-eval work: bad input exits 2 before anything runs', () => {
  it('needs a planned directory, one way to name the shard, and the plan\'s shard count', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'work-cli-'));
    expect((await runCli(planArgs(out, '--shards', '2'))).code).toBe(0);
    const root = path.join(out, 'p');

    const unplanned = await runCli(['work', out, '--shard', '1/2']);
    expect(unplanned.code).toBe(2);
    expect(unplanned.stderr).toContain('no shards.json');
    const noShard = await runCli(['work', root]);
    expect(noShard.code).toBe(2);
    expect(noShard.stderr).toContain('give --shard I/N or --shard-from-env');
    const wrongCount = await runCli(['work', root, '--shard', '1/3']);
    expect(wrongCount.code).toBe(2);
    expect(wrongCount.stderr).toContain('--shard 1/3: the plan has 2 shards');
    const both = await runCli(['work', root, '--shard', '1/2', '--shard-from-env']);
    expect(both.code).toBe(2);
  });
});

describe('report, compare and nightly on a sharded run directory', () => {
  it('say on stderr which shards are incomplete and how to resume each, and still report', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'status-cli-'));
    expect((await runCli(planArgs(out, '--shards', '2'))).code).toBe(0);
    const root = path.join(out, 'p');
    const expected = [
      `${root}: 2 of 2 shards incomplete`,
      `shard 1/2 (array index 0): 0/2 cells finished; resume: sera-eval work ${root} --shard 1/2`,
      `shard 2/2 (array index 1): 0/2 cells finished; resume: sera-eval work ${root} --shard 2/2`,
    ];
    const report = await runCli(['report', root, '--format', 'json']);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout).summary.total_instances).toBe(4);
    const compare = await runCli(['compare', root, root]);
    const nightly = await runCli(['nightly', '--baseline', root, '--current', root]);
    for (const run of [report, compare, nightly]) {
      for (const line of expected) expect(run.stderr).toContain(line);
    }
  });
});
