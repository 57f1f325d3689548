/**
 * Ownership per shard: each worker holds shards/<I>/run.lock, so workers of different shards never
 * wait for each other, a second worker of the same shard stops, and a worker cleans up only after
 * killed writers of its own cells (another shard's writer may live on another host).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateWith, evaluationSpec, type EvaluationFixture } from '../../support/run-spec-fixture.js';
import { RunLockedError } from '../../../src/run-dir/run-lock.js';
import type { Prediction } from '../../../src/run-dir/schemas.js';
import { ShardLayout } from '../../../src/run-dir/shard-files.js';
import { FakeEnvironment } from '../../support/fake-environment.js';
import { FakeSandbox } from '../../support/fake-sandbox.js';
import { evalLog, instance } from '../evaluation/instances.js';

const PATCH = 'diff --git a/django/x.py b/django/x.py\n--- a/django/x.py\n+++ b/django/x.py\n@@ -1 +1 @@\n-a\n+b\n';
const rows = [1, 2].map((n) => instance({ instance_id: `django__django-${n}` }));
const predictions: Prediction[] = rows.map((r) => ({ instance_id: r.instance_id, model_name_or_path: 'm', model_patch: PATCH }));
const cellOf = (n: number) => `-/-/django__django-${n}`;
const silent = { write: () => undefined };
const passing = () =>
  new FakeSandbox(() => new FakeEnvironment((argv) => (argv[1] === '/eval.sh' ? { output: evalLog('test_new (forms_tests.tests.test_formsets.T) ... ok\ntest_old (forms_tests.tests.test_formsets.T) ... ok') } : { output: 'Applied patch' })));

/** Shard n of 2 owns instance n. */
function shard(root: string, n: number): EvaluationFixture {
  const cells = new Set([cellOf(n)]);
  return {
    spec: evaluationSpec({ evalWorkers: 1 }),
    deps: { layout: new ShardLayout(root, { index: n, count: 2 }, cells), rows, predictions, cells, retryBaseDelayMs: 1 },
  };
}

const children: { kill(): boolean }[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

describe('ownership per shard', () => {
  it('workers of two shards run at once; each holds and then releases its own lock', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shard-owner-'));
    const [one, two] = await Promise.all([evaluateWith(shard(root, 1), { sandbox: passing(), progress: silent }), evaluateWith(shard(root, 2), { sandbox: passing(), progress: silent })]);
    expect(one.resolved_ids).toEqual(['django__django-1']);
    expect(two.resolved_ids).toEqual(['django__django-2']);
    for (const n of [1, 2]) expect(existsSync(path.join(root, 'shards', String(n), 'run.lock'))).toBe(false);
    expect(existsSync(path.join(root, 'run.lock'))).toBe(false);
  });

  it('a second worker of a shard whose worker is alive stops naming it; the other shard is not held up', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shard-owner-'));
    const owner = spawn('sleep', ['30']);
    children.push(owner);
    mkdirSync(path.join(root, 'shards', '1'), { recursive: true });
    const lock = path.join(root, 'shards', '1', 'run.lock');
    writeFileSync(lock, JSON.stringify({ pid: owner.pid, host: hostname(), started_at: '2026-01-02T03:04:05.000Z', command: 'evaluate' }));

    const sandbox = passing();
    const error = await evaluateWith(shard(root, 1), { sandbox, progress: silent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunLockedError);
    expect((error as Error).message).toContain(`pid ${owner.pid} on ${hostname()}`);
    expect(sandbox.starts).toEqual([]);
    const other = await evaluateWith(shard(root, 2), { sandbox: passing(), progress: silent });
    expect(other.resolved_ids).toEqual(['django__django-2']);
  });

  it("removes a killed writer's temp files of its own cells and shard directory, never another shard's", async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shard-owner-'));
    const gone = spawnSync('true').pid!;
    const temp = (...parts: string[]) => {
      const file = path.join(root, ...parts);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, 'partial');
      return file;
    };
    const ownCell = temp('evaluation', '-', '-', 'django__django-1', `report.json.${gone}.0123abcd.tmp`);
    const ownShard = temp('shards', '1', `predictions.jsonl.${gone}.0123abcd.tmp`);
    const otherCell = temp('evaluation', '-', '-', 'django__django-2', `report.json.${gone}.89abcdef.tmp`);
    const otherShard = temp('shards', '2', `report.json.${gone}.89abcdef.tmp`);
    const otherTrajectory = temp('trajectories', '32k', '1', `django__django-2.traj.json.${gone}.89abcdef.tmp`);
    const planFile = temp(`shards.json.${gone}.89abcdef.tmp`);

    await evaluateWith(shard(root, 1), { sandbox: passing(), progress: silent });
    expect(existsSync(ownCell)).toBe(false);
    expect(existsSync(ownShard)).toBe(false);
    for (const file of [otherCell, otherShard, otherTrajectory, planFile]) expect(existsSync(file), file).toBe(true);
  });
});
