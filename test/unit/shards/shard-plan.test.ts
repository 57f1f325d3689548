import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { shardFromEnv } from '../../../src/pipeline/shards-env.js';
import { readShardPlan, samePlanExists, splitIntoShards, writeShardPlan, type CellToPlan } from '../../../src/pipeline/shards-plan.js';
import { ShardLayout } from '../../../src/run-dir/shard-files.js';
import { instance } from '../evaluation/instances.js';

const rows = [
  ...Array.from({ length: 9 }, (_, i) => instance({ instance_id: `django__django-${100 + i}`, repo: 'django/django' })),
  ...Array.from({ length: 5 }, (_, i) => instance({ instance_id: `sympy__sympy-${200 + i}`, repo: 'sympy/sympy' })),
  ...Array.from({ length: 3 }, (_, i) => instance({ instance_id: `sphinx-doc__sphinx-${300 + i}`, repo: 'sphinx-doc/sphinx' })),
];
const cells: CellToPlan[] = ['32k', '64k'].flatMap((context) => ['1', '2', '3'].flatMap((seed) => rows.map((row) => ({ instance: row, context, seed }))));

describe('splitIntoShards', () => {
  it('gives every cell to exactly one shard, an instance with all its cells, and shards within one instance of each other', () => {
    const shards = splitIntoShards(cells, 4);
    const all = shards.flat().map((c) => `${c.context}/${c.seed}/${c.instance_id}`);
    expect(all).toHaveLength(cells.length);
    expect(new Set(all).size).toBe(cells.length);
    for (const row of rows) {
      const holders = shards.map((s, i) => (s.some((c) => c.instance_id === row.instance_id) ? i : -1)).filter((i) => i >= 0);
      expect(holders, row.instance_id).toHaveLength(1);
    }
    const sizes = shards.map((s) => s.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(6); // one instance = 2 contexts × 3 seeds
  });

  it('mixes repositories evenly: each shard gets within one instance of its share of every repository', () => {
    const shards = splitIntoShards(cells, 4);
    for (const repo of ['django/django', 'sympy/sympy', 'sphinx-doc/sphinx']) {
      const perShard = shards.map((s) => new Set(s.filter((c) => rows.find((r) => r.instance_id === c.instance_id)!.repo === repo).map((c) => c.instance_id)).size);
      expect(Math.max(...perShard) - Math.min(...perShard), repo).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic whatever order the cells come in', () => {
    expect(splitIntoShards([...cells].reverse(), 3)).toEqual(splitIntoShards(cells, 3));
  });
});

describe('shard plan files', () => {
  const input = (shards = splitIntoShards(cells, 2)) => ({ runId: 'r', command: 'run' as const, flags: { context: '32k' }, instances: rows, shards });

  it('reads back what it wrote; the same cells count as planned already, another split is refused', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'plan-'));
    expect(await samePlanExists(root, 'run', splitIntoShards(cells, 2))).toBe(false);
    const written = await writeShardPlan(root, input());
    expect(await readShardPlan(root)).toEqual(written);
    expect(written.shards.map((s) => s.index)).toEqual([1, 2]);
    expect(await samePlanExists(root, 'run', splitIntoShards(cells, 2))).toBe(true);
    await expect(samePlanExists(root, 'run', splitIntoShards(cells, 3))).rejects.toThrow(/already planned with 2 shards/);
    await expect(samePlanExists(root, 'evaluate', splitIntoShards(cells, 2))).rejects.toThrow(InputError);
  });

  it('names the missing file when a directory was never planned', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'plan-'));
    await expect(readShardPlan(root)).rejects.toThrow(InputError);
    await expect(readShardPlan(root)).rejects.toThrow(/no shards.json/);
  });

  it("puts a shard's run-level files under shards/<I>/ and leaves the cell files shared", () => {
    const layout = new ShardLayout('/runs/r', { index: 2, count: 4 });
    expect(layout.manifest).toBe('/runs/r/shards/2/run.json');
    expect(layout.predictions).toBe('/runs/r/shards/2/predictions.jsonl');
    expect(layout.summary).toBe('/runs/r/shards/2/report.json');
    const cell = { instanceId: 'django__django-1', context: '32k', seed: '1' };
    expect(layout.instanceReport(cell)).toBe('/runs/r/evaluation/32k/1/django__django-1/report.json');
    expect(layout.trajectory(cell)).toBe('/runs/r/trajectories/32k/1/django__django-1.traj.json');
  });
});

describe('shardFromEnv', () => {
  it('turns the 0-based array index of an Indexed Job, a Slurm array or AWS Batch into the 1-based shard', () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '0' }, 4)).toEqual({ index: 1, count: 4 });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '2' }, 4)).toEqual({ index: 4, count: 4 });
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '2' }, 4)).toEqual({ index: 3, count: 4 });
  });

  it('refuses an index outside the plan or no index at all, naming the variable', () => {
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '4' }, 4)).toThrow(/SLURM_ARRAY_TASK_ID="4": expected an array index from 0 to 3/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: 'x' }, 4)).toThrow(InputError);
    expect(() => shardFromEnv({}, 4)).toThrow(/none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX is set/);
  });
});
