/**
 * A row its benchmark cannot grade is refused before any rollout: 14 of SWE-bench Lite's 300 rows
 * are at repo versions outside this harness's spec table (the official v4.1.0 specs for the
 * versions Verified uses, e.g. no matplotlib 3.3), and used to spend GPU time and then be graded `error`.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweBench } from '../../../src/benchmarks/swe-bench/swe-bench.js';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import { InputError } from '../../../src/errors.js';
import { runBenchmark } from '../../../src/pipeline/benchmark-run.js';
import { evaluatePredictions } from '../../../src/pipeline/evaluate-run.js';
import { planInstances } from '../../../src/pipeline/instance-plans.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { RunSpecSchema } from '../../../src/run-dir/run-spec.js';
import { evaluationSpec, rolloutSpec } from '../../support/run-spec-fixture.js';
import { liteJsonl } from '../../support/shared-datasets.js';
import { FakeEnvironment } from '../../support/fake-environment.js';
import { FakeSandbox } from '../../support/fake-sandbox.js';
import { evalLog } from '../evaluation/instances.js';

const { rows: lite } = await loadDataset(liteJsonl(), { cacheDir: tmpdir() });
const silent = { write: () => undefined };

describe('rows without a grading plan', () => {
  it('finds the 14 SWE-bench Lite rows without a test spec, naming each with its repo and version', () => {
    const { planned, skipped } = planInstances(sweBench, lite, { imageTemplate: 'swebench', skipUnsupported: true });
    expect(lite).toHaveLength(300);
    expect(skipped).toHaveLength(14);
    expect(planned).toHaveLength(286);
    for (const { instance_id, reason } of skipped) {
      const row = lite.find((r) => r.instance_id === instance_id)!;
      expect(reason).toContain(row.repo);
    }
  });

  it('refuses a run with them before any rollout or container, naming them (exit 2)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'unsupported-'));
    const sandbox = new FakeSandbox(() => {
      throw new Error('no environment may start');
    });
    const client = {
      model: 'm',
      complete: () => Promise.reject(new Error('no model call may happen')),
    };
    const refused = runBenchmark(rolloutSpec({ contexts: [{ name: '32k', tokens: 32768 }], seeds: ['1'], concurrency: 1, evalWorkers: 1 }), {
      layout: new RunLayout(root),
      rows: lite,
      clients: new Map([['32k', client as never]]),
      sandbox,
      progress: silent,
    });
    await expect(refused).rejects.toBeInstanceOf(InputError);
    await expect(refused).rejects.toThrow(/14 of 300 selected instances cannot be graded by benchmark swe-bench; nothing was run/);
    const { skipped } = planInstances(sweBench, lite, { imageTemplate: 'swebench', skipUnsupported: true });
    await expect(refused).rejects.toThrow(skipped[0]!.instance_id);
    expect(sandbox.starts).toHaveLength(0);
    expect(sandbox.prepared).toHaveLength(0);
    expect(existsSync(path.join(root, 'run.json'))).toBe(false);
  });

  it('drops them with skipUnsupported and records which and why in run.json', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'unsupported-skip-'));
    const { skipped } = planInstances(sweBench, lite, { imageTemplate: 'swebench', skipUnsupported: true });
    const unsupported = lite.find((r) => r.instance_id === skipped[0]!.instance_id)!;
    const supported = lite.find((r) => !skipped.some((s) => s.instance_id === r.instance_id))!;
    const sandbox = new FakeSandbox(() => new FakeEnvironment(() => ({ output: evalLog('') })));
    await evaluatePredictions(evaluationSpec({ skipUnsupported: true, evalWorkers: 1 }), {
      layout: new RunLayout(root),
      rows: [supported, unsupported],
      predictions: [supported, unsupported].map((r) => ({ instance_id: r.instance_id, model_name_or_path: 'm', model_patch: '' })),
      sandbox,
      progress: silent,
    });
    const runJson = RunSpecSchema.parse(JSON.parse(readFileSync(path.join(root, 'run.json'), 'utf8')));
    expect(runJson.benchmark.instances).toEqual([{ id: supported.instance_id, repo: supported.repo }]);
    expect(runJson.benchmark.unsupported_skipped).toEqual([{ instance_id: unsupported.instance_id, reason: skipped[0]!.reason }]);
    expect(existsSync(path.join(root, 'evaluation', '-', '-', unsupported.instance_id))).toBe(false);
  });
});
