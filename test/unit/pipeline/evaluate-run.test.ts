import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentUnavailableError } from '../../../src/environment/environment.js';
import { evaluatePredictions } from '../../../src/pipeline/evaluate-run.js';
import { evaluateWith, evaluationSpec, type EvaluationFixture } from '../../support/run-spec-fixture.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { ShardLayout } from '../../../src/run-dir/shard-files.js';
import type { Prediction } from '../../../src/run-dir/schemas.js';
import { FakeEnvironment } from '../../support/fake-environment.js';
import { FakeSandbox } from '../../support/fake-sandbox.js';
import { evalLog, instance } from '../evaluation/instances.js';

const PATCH = 'diff --git a/django/x.py b/django/x.py\n--- a/django/x.py\n+++ b/django/x.py\n@@ -1 +1 @@\n-a\n+b\n';
const F2P = 'test_new (forms_tests.tests.test_formsets.T)';
const P2P = 'test_old (forms_tests.tests.test_formsets.T)';
const rows = [instance({ instance_id: 'django__django-1' }), instance({ instance_id: 'django__django-2' })];

function passingEnv(): FakeEnvironment {
  return new FakeEnvironment((argv) =>
    argv[1] === '/eval.sh' ? { output: evalLog(`${F2P} ... ok\n${P2P} ... ok`) } : { output: 'Applied patch' },
  );
}

function options(root: string, predictions: Prediction[]): EvaluationFixture {
  return { spec: evaluationSpec(), deps: { layout: new RunLayout(root), rows, predictions, retryBaseDelayMs: 1 } };
}

const silent = { write: () => undefined };
const preds = (patch: string): Prediction[] => rows.map((r) => ({ instance_id: r.instance_id, model_name_or_path: 'm', model_patch: patch }));

describe('evaluatePredictions', () => {
  it('retries a container that fails to start and records how many attempts it took', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'eval-run-'));
    const sandbox = new FakeSandbox((req) => {
      if (req.attempt === 1) throw new EnvironmentUnavailableError('container failed to start');
      return passingEnv();
    });
    const summary = await evaluateWith(options(root, preds(PATCH)), { sandbox, progress: silent });
    expect(summary.resolved_ids).toEqual(['django__django-1', 'django__django-2']);
    const report = JSON.parse(readFileSync(path.join(root, 'evaluation/-/-/django__django-1/report.json'), 'utf8'));
    expect(report['django__django-1'].sera_eval.attempts).toBe(2);
    expect(sandbox.leftoversRemoved).toBe(1);
  });

  it('keeps persistent infrastructure failures apart from model errors, and resume redoes only them', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'eval-run-'));
    const broken = new FakeSandbox((req) => {
      if (req.cell.instanceId === 'django__django-2') throw new EnvironmentUnavailableError('daemon went away');
      return passingEnv();
    });
    const first = await evaluateWith(options(root, preds(PATCH)), { sandbox: broken, progress: silent });
    expect(first.infrastructure_ids).toEqual(['django__django-2']);
    expect(first.error_ids).toEqual([]);
    expect(first.resolved_ids).toEqual(['django__django-1']);
    expect(broken.starts.filter((s) => s.cell.instanceId === 'django__django-2')).toHaveLength(3);

    const healthy = new FakeSandbox(() => passingEnv());
    const second = await evaluateWith(options(root, preds(PATCH)), { sandbox: healthy, progress: silent });
    expect(second.resolved_ids).toEqual(['django__django-1', 'django__django-2']);
    expect(second.infrastructure_ids).toEqual([]);
    expect(healthy.starts.map((s) => s.cell.instanceId)).toEqual(['django__django-2']);
  });

  it('skips finished cells with the same inputs and regrades cells whose patch changed', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'eval-run-'));
    await evaluateWith(options(root, preds(PATCH)), { sandbox: new FakeSandbox(() => passingEnv()), progress: silent });
    const again = new FakeSandbox(() => passingEnv());
    const lines: string[] = [];
    await evaluateWith(options(root, preds(PATCH)), { sandbox: again, progress: { write: (t: string) => lines.push(t), isTTY: false } });
    expect(again.starts).toEqual([]);
    expect(lines.at(-1)).toContain('evaluate: 2/2 done (2 resumed)');

    const changed = new FakeSandbox(() => passingEnv());
    await evaluateWith(options(root, preds(PATCH.replace('+b', '+c'))), { sandbox: changed, progress: silent });
    expect(changed.starts.map((s) => s.cell.instanceId).sort()).toEqual(['django__django-1', 'django__django-2']);
    const manifest = JSON.parse(readFileSync(path.join(root, 'run.json'), 'utf8'));
    expect(manifest.resumed_at).toHaveLength(2);
  });

  it('grades empty patches without starting a container', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'eval-run-'));
    const sandbox = new FakeSandbox(() => passingEnv());
    const summary = await evaluateWith(options(root, preds('')), { sandbox, progress: silent });
    expect(summary.empty_patch_ids).toEqual(['django__django-1', 'django__django-2']);
    expect(sandbox.starts).toEqual([]);
  });

  it('stops on abort without writing a report for unfinished cells', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'eval-run-'));
    const controller = new AbortController();
    const sandbox = new FakeSandbox(() => {
      controller.abort();
      return passingEnv();
    });
    await expect(
      evaluatePredictions(evaluationSpec({ evalWorkers: 1 }), { ...options(root, preds(PATCH)).deps, sandbox, progress: silent, signal: controller.signal }),
    ).rejects.toThrow(/interrupted/);
    expect(() => readFileSync(path.join(root, 'report.json'))).toThrow();
    expect(() => readFileSync(path.join(root, 'evaluation/-/-/django__django-1/report.json'))).toThrow();
  });

  it('with a cell filter (a shard worker) grades only those cells and writes its run-level files through the shard layout', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'eval-run-'));
    const sandbox = new FakeSandbox(() => passingEnv());
    const layout = new ShardLayout(root, { index: 2, count: 2 });
    const summary = await evaluateWith(options(root, preds(PATCH)), { layout, cells: new Set(['-/-/django__django-2']), sandbox, progress: silent });
    expect(sandbox.starts.map((s) => s.cell.instanceId)).toEqual(['django__django-2']);
    // the shard's summary covers its own instances only: the other shard's are not "incomplete" here
    expect(summary.total_instances).toBe(1);
    expect(summary.resolved_ids).toEqual(['django__django-2']);
    expect(existsSync(path.join(root, 'evaluation/-/-/django__django-1'))).toBe(false);
    for (const file of ['run.json', 'predictions.jsonl', 'report.json']) {
      expect(existsSync(path.join(root, file)), file).toBe(false);
      expect(existsSync(path.join(root, 'shards', '2', file)), file).toBe(true);
    }
    expect(readFileSync(path.join(root, 'shards/2/predictions.jsonl'), 'utf8')).not.toContain('django__django-1');
  });
});
