import { mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitIntoShards, writeShardPlan } from '../../../src/pipeline/shards-plan.js';
import { describeIncompleteShards, readShardImages, readShardPredictions, readShardStatus, shardsInProgress } from '../../../src/report/shard-status.js';
import { writeJsonAtomic, writeFileAtomic } from '../../../src/run-dir/atomic-write.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { ShardLayout } from '../../../src/run-dir/shard-files.js';
import { instance } from '../evaluation/instances.js';

const rows = ['a', 'b', 'c', 'd'].map((x, i) => instance({ instance_id: `django__django-${i + 1}${x}` }));

async function planned(): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), 'status-'));
  const cells = rows.map((row) => ({ instance: row, context: '-', seed: '-' }));
  await writeShardPlan(root, { runId: 'r', command: 'evaluate', flags: {}, instances: rows, shards: splitIntoShards(cells, 2) });
  return root;
}

function report(id: string, outcome: string) {
  return {
    [id]: {
      patch_is_None: false, patch_exists: true, patch_successfully_applied: true, resolved: outcome === 'resolved',
      sera_eval: {
        outcome, resolution: null, error: null, input_sha256: 'x', image: null, model_name_or_path: 'm', context: '-', seed: '-',
        test_exit_code: 0, skipped: { FAIL_TO_PASS: [], PASS_TO_PASS: [] }, timings: { total_s: 1, tests_s: 1 }, attempts: 1, finished_at: 'now',
      },
    },
  };
}

describe('shard status', () => {
  it('counts finished cells per shard, an infrastructure failure as unfinished, and names the incomplete shards with their resume command', async () => {
    const root = await planned();
    const layout = new RunLayout(root);
    // shard 1 holds instances 1a and 3c, shard 2 holds 2b and 4d (round-robin in id order)
    await writeJsonAtomic(layout.instanceReport({ instanceId: 'django__django-1a', context: '-', seed: '-' }), report('django__django-1a', 'resolved'));
    await writeJsonAtomic(layout.instanceReport({ instanceId: 'django__django-3c', context: '-', seed: '-' }), report('django__django-3c', 'unresolved'));
    await writeJsonAtomic(layout.instanceReport({ instanceId: 'django__django-2b', context: '-', seed: '-' }), report('django__django-2b', 'infrastructure'));
    const status = await readShardStatus(root);
    expect(status).toEqual({
      count: 2,
      shards: [
        { index: 1, cells: 2, finished: 2, infrastructure: 0 },
        { index: 2, cells: 2, finished: 0, infrastructure: 1 },
      ],
    });
    const note = describeIncompleteShards(root, status!);
    expect(note).toContain('1 of 2 shards incomplete');
    expect(note).toContain(`shard 2/2 (array index 1): 0/2 cells finished, 1 infrastructure failures; resume: sera-eval work ${root} --shard 2/2`);
    expect(note).not.toContain('shard 1/2');
  });

  it('says nothing for a run that was not planned in shards, and merges the predictions of those that were', async () => {
    expect(await readShardStatus(mkdtempSync(path.join(tmpdir(), 'status-')))).toBeNull();
    const root = await planned();
    await writeFileAtomic(new ShardLayout(root, { index: 2, count: 2 }).predictions, '{"instance_id":"django__django-2b","model_patch":""}\n');
    await writeFileAtomic(new ShardLayout(root, { index: 1, count: 2 }).predictions, '{"instance_id":"django__django-1a","model_patch":"x"}\n');
    expect((await readShardPredictions(root)).map((p) => p.instance_id)).toEqual(['django__django-1a', 'django__django-2b']);
  });

  it('counts a sharded run as in progress until every shard has its report.json, newer than its run.json', async () => {
    expect(await shardsInProgress(mkdtempSync(path.join(tmpdir(), 'status-')))).toBeNull();
    const root = await planned();
    expect(await shardsInProgress(root)).toBe(true);
    for (const index of [1, 2]) {
      const layout = new ShardLayout(root, { index, count: 2 });
      await writeJsonAtomic(layout.manifest, {});
      await writeJsonAtomic(layout.summary, {});
    }
    expect(await shardsInProgress(root)).toBe(false);
    // a rerun of shard 2 rewrites its run.json first: in progress again until it writes its report
    const shard2 = new ShardLayout(root, { index: 2, count: 2 });
    utimesSync(shard2.summary, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await writeJsonAtomic(shard2.manifest, {});
    expect(await shardsInProgress(root)).toBe(true);
  });

  it("merges the images every shard's worker recorded, each engine and image id once", async () => {
    const root = await planned();
    const engine = { name: 'Docker', version: '26.1.5', api_version: '1.45', recorded_at: 'then' };
    const image = (id: string) => ({ id, repo_digest: null, first_used_at: 'then' });
    await writeJsonAtomic(new ShardLayout(root, { index: 1, count: 2 }).images, { engines: [engine], images: { a: [image('sha256:1')], b: [image('sha256:2')] } });
    await writeJsonAtomic(new ShardLayout(root, { index: 2, count: 2 }).images, { engines: [{ ...engine, recorded_at: 'later' }], images: { b: [image('sha256:2'), image('sha256:3')] } });
    const merged = await readShardImages(root);
    expect(merged?.engines).toEqual([engine]);
    expect(merged?.images).toEqual({ a: [image('sha256:1')], b: [image('sha256:2'), image('sha256:3')] });
    expect(await readShardImages(mkdtempSync(path.join(tmpdir(), 'status-')))).toBeNull();
  });
});
