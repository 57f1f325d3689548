/**
 * `sera-eval evaluate` end to end on real Docker: demo instance images, real git apply, real pytest,
 * the official eval script and grading.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DATASET_PATH } from '../../src/benchmarks/demo/demo-repo.js';
import { RUN_ID_LABEL, RUN_KEY_LABEL } from '../../src/environment/docker/container-registry.js';
import { runKey } from '../../src/environment/run-key.js';
import { runCli } from '../support/cli-runner.js';
import { demoRow, demoRows, ensureDemoImages, makePatch, replaceInFile, writeNewFile, writePredictions } from '../support/demo-fixtures.js';
import { requireDocker } from '../support/docker.js';

const docker = await requireDocker();
const TEXTWRAP = 'sera-eval__textwrapx-14';

function readReport(runDir: string, id: string) {
  const file = path.join(runDir, 'evaluation', '-', '-', id, 'report.json');
  return JSON.parse(readFileSync(file, 'utf8'))[id];
}

function summaryOf(runDir: string) {
  return JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
}

const baseArgs = (out: string, runId: string, predictions: string) => [
  'evaluate',
  '--dataset', DEMO_DATASET_PATH,
  '--predictions', predictions,
  '--image-template', 'local',
  '--pull', 'never',
  '--output', out,
  '--run-id', runId,
];

describe.skipIf(!docker.available)('sera-eval evaluate on real Docker', () => {
  let out: string;
  beforeAll(async () => {
    await ensureDemoImages(docker.docker);
    out = mkdtempSync(path.join(tmpdir(), 'sera-eval-evaluate-'));
  });

  it('resolves gold patches, including a test patch that only adds files (#539)', async () => {
    const run = await runCli([...baseArgs(out, 'gold', 'gold'), '--workers', '2']);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    const summary = summaryOf(path.join(out, 'gold'));
    expect(summary.resolved_ids).toEqual(demoRows().map((r) => r.instance_id).sort());
    const report = readReport(path.join(out, 'gold'), 'sera-eval__csvkit-lite-23');
    expect(report.resolved).toBe(true);
    expect(report.tests_status.FAIL_TO_PASS.failure).toEqual([]);
    // the #539 path: the added test file is removed with rm -f, never a path-less git checkout
    const evalScript = readFileSync(path.join(out, 'gold', 'evaluation', '-', '-', 'sera-eval__csvkit-lite-23', 'eval.sh'), 'utf8');
    expect(evalScript).toContain('rm -f tests/test_roundtrip.py');
  });

  it('grades the empty patch as empty, a wrong fix as unresolved and a patch that does not apply as an error with its reason', async () => {
    const row = demoRow(TEXTWRAP);
    const wrongFix = await makePatch(row, (repo) =>
      replaceInFile(path.join(repo, 'textwrapx', 'truncate.py'), 'if len(text) >= width:', 'if len(text) > width + 1:'),
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'preds-'));
    const preds = writePredictions(dir, [
      { instance_id: TEXTWRAP, model_patch: wrongFix },
      { instance_id: 'sera-eval__intervals-7', model_patch: '' },
      { instance_id: 'sera-eval__csvkit-lite-31', model_patch: 'diff --git a/nope.py b/nope.py\n--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-a\n+b\n' },
    ]);
    const run = await runCli([...baseArgs(out, 'mixed', preds), '--workers', '2']);
    expect(run.code).toBe(0);
    const summary = summaryOf(path.join(out, 'mixed'));
    expect(summary.unresolved_ids).toEqual([TEXTWRAP]);
    expect(summary.empty_patch_ids).toEqual(['sera-eval__intervals-7']);
    expect(summary.error_ids).toEqual(['sera-eval__csvkit-lite-31']);
    expect(summary.incomplete_ids).toEqual(['sera-eval__csvkit-lite-23']);
    const failed = readReport(path.join(out, 'mixed'), 'sera-eval__csvkit-lite-31');
    expect(failed.sera_eval.error.stage).toBe('patch_apply');
    expect(failed.sera_eval.error.message).toContain('nope.py');
    const wrong = readReport(path.join(out, 'mixed'), TEXTWRAP);
    expect(wrong.resolved).toBe(false);
    const failures = [...wrong.tests_status.FAIL_TO_PASS.failure, ...wrong.tests_status.PASS_TO_PASS.failure];
    expect(failures.length).toBeGreaterThan(0);
  });

  it('stops a hanging test run at the timeout, caps a 200 MB log, and does not resolve a patch that skips FAIL_TO_PASS tests', async () => {
    const row = demoRow(TEXTWRAP);
    const truncatePy = (repo: string) => path.join(repo, 'textwrapx', 'truncate.py');
    const goldLike = (repo: string) => replaceInFile(truncatePy(repo), 'if len(text) >= width:', 'if len(text) > width:');
    const hang = await makePatch(row, (repo) => replaceInFile(truncatePy(repo), '    _check_width(width, placeholder)\n    if len', '    while True:\n        pass\n    if len'));
    const flood = await makePatch(row, (repo) => {
      goldLike(repo);
      // -rA prints captured stdout of passing tests: ~200 MB reach the log
      replaceInFile(truncatePy(repo), '    _check_width(width, placeholder)\n    if len', '    import sys; sys.stdout.write("x" * 8_000_000 + "\\n")\n    _check_width(width, placeholder)\n    if len');
    });
    const skipper = await makePatch(row, (repo) => {
      goldLike(repo);
      writeNewFile(
        path.join(repo, 'conftest.py'),
        'import json, pytest\nF2P = set(json.loads(' + JSON.stringify(JSON.stringify(row.FAIL_TO_PASS)) + '))\n' +
          'def pytest_collection_modifyitems(items):\n    for item in items:\n        if item.nodeid in F2P:\n            item.add_marker(pytest.mark.skip(reason="spoof"))\n',
      );
    });
    const cases = { hang, flood, skipper };
    for (const [name, patch] of Object.entries(cases)) {
      const dir = mkdtempSync(path.join(tmpdir(), `preds-${name}-`));
      const preds = writePredictions(dir, [{ instance_id: TEXTWRAP, model_patch: patch }]);
      const started = Date.now();
      const run = await runCli([...baseArgs(out, name, preds), '--timeout', '20', '--max-output', '2m']);
      expect(run.code).toBe(0);
      const report = readReport(path.join(out, name), TEXTWRAP);
      const log = existsSync(path.join(out, name, 'evaluation', '-', '-', TEXTWRAP, 'test_output.txt'))
        ? readFileSync(path.join(out, name, 'evaluation', '-', '-', TEXTWRAP, 'test_output.txt'), 'utf8')
        : '';
      if (name === 'hang') {
        expect(report.sera_eval.error.code).toBe('tests_timeout');
        expect(log).toContain('Timeout error: 20 seconds exceeded.');
        expect(Date.now() - started).toBeLessThan(120_000);
      }
      if (name === 'flood') {
        expect(Buffer.byteLength(log)).toBeLessThan(3 * 1024 * 1024);
        expect(report.resolved).toBe(true);
      }
      if (name === 'skipper') {
        expect(report.resolved).toBe(false);
        // pytest folds skips into `SKIPPED [3] file:line: reason`, so the skipped tests are missing from the log: failures
        expect(log).toContain('SKIPPED [3]');
        expect(report.tests_status.FAIL_TO_PASS.failure).toEqual(row.FAIL_TO_PASS);
      }
    }
  });

  it('after kill -9 mid-run, the same run id resumes to the same summary as an uninterrupted run', async () => {
    const reference = await runCli([...baseArgs(out, 'uninterrupted', 'gold'), '--workers', '1']);
    expect(reference.code).toBe(0);

    const runId = 'killed';
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...baseArgs(out, runId, 'gold'), '--workers', '1'], {
      stdio: 'ignore',
    });
    const evalDir = path.join(out, runId, 'evaluation', '-', '-');
    const finished = () =>
      existsSync(evalDir) ? readdirSync(evalDir).filter((id) => existsSync(path.join(evalDir, id, 'report.json'))).length : 0;
    for (let i = 0; i < 600 && finished() < 1; i++) await sleep(200);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const doneBeforeKill = finished();
    expect(doneBeforeKill).toBeGreaterThanOrEqual(1);
    expect(doneBeforeKill).toBeLessThan(demoRows().length);

    const resumed = await runCli([...baseArgs(out, runId, 'gold'), '--workers', '1']);
    expect(resumed.code).toBe(0);
    const strip = (s: Record<string, unknown>) => {
      const { run_id: _r, ...rest } = s;
      return rest;
    };
    expect(strip(summaryOf(path.join(out, runId)))).toEqual(strip(summaryOf(path.join(out, 'uninterrupted'))));
    const leftovers = await docker.docker.listContainers({ all: true, filters: { label: [`${RUN_ID_LABEL}=${runId}`] } });
    expect(leftovers).toEqual([]);
  });

  it('a second process on a run id in use exits 3 naming the owner, and leaves its containers alone', async () => {
    const row = demoRow(TEXTWRAP);
    // a test run that hangs until --timeout keeps the first process's grading container alive
    const hang = await makePatch(row, (repo) =>
      replaceInFile(path.join(repo, 'textwrapx', 'truncate.py'), '    _check_width(width, placeholder)\n    if len', '    while True:\n        pass\n    if len'),
    );
    const preds = writePredictions(mkdtempSync(path.join(tmpdir(), 'preds-owned-')), [{ instance_id: TEXTWRAP, model_patch: hang }]);
    const runId = 'owned';
    const first = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...baseArgs(out, runId, preds), '--timeout', '15'], { stdio: 'ignore' });
    const firstExit = new Promise<number | null>((resolve) => first.once('exit', resolve));
    const containers = () => docker.docker.listContainers({ all: true, filters: { label: [`${RUN_ID_LABEL}=${runId}`] } });
    for (let i = 0; i < 600 && (await containers()).length === 0; i++) await sleep(200);
    expect(await containers()).toHaveLength(1);

    const second = await runCli(baseArgs(out, runId, preds));
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(`is in use by sera-eval evaluate (pid ${first.pid} on `);
    expect(await containers()).toHaveLength(1);

    expect(await firstExit).toBe(0);
    // the first process graded its cell itself: a removed container would have been an infrastructure failure
    expect(readReport(path.join(out, runId), TEXTWRAP).sera_eval.error.code).toBe('tests_timeout');
    expect(existsSync(path.join(out, runId, 'run.lock'))).toBe(false);
    expect(await containers()).toEqual([]);
  });

  it('two runs with the same run id in two output directories at once each keep their containers and grade right', async () => {
    const row = demoRow(TEXTWRAP);
    // the gold fix, slowed down: the first run's grading container is alive while the second run starts and sweeps its leftovers
    const slowGold = await makePatch(row, (repo) => {
      execFileSync('git', ['-C', repo, 'apply'], { input: row.patch });
      const file = path.join(repo, 'textwrapx', 'truncate.py');
      writeFileSync(file, `import time\ntime.sleep(15)\n${readFileSync(file, 'utf8')}`);
    });
    const preds = writePredictions(mkdtempSync(path.join(tmpdir(), 'preds-twin-')), [{ instance_id: TEXTWRAP, model_patch: slowGold }]);
    const runId = 'twin';
    const [outA, outB] = ['a', 'b'].map((side) => mkdtempSync(path.join(tmpdir(), `sera-eval-twin-${side}-`)));
    const containersOf = (out: string) =>
      docker.docker.listContainers({ all: true, filters: { label: [`${RUN_KEY_LABEL}=${runKey({ id: runId, dir: path.join(out, runId) })}`] } });
    const first = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...baseArgs(outA!, runId, preds)], { stdio: 'ignore' });
    const firstExit = new Promise<number | null>((resolve) => first.once('exit', resolve));
    for (let i = 0; i < 600 && (await containersOf(outA!)).length === 0; i++) await sleep(200);
    expect(await containersOf(outA!)).toHaveLength(1);

    const second = await runCli([...baseArgs(outB!, runId, 'gold'), '--workers', '2']);
    expect(second.code).toBe(0);
    expect(summaryOf(path.join(outB!, runId)).resolved_ids).toEqual(demoRows().map((r) => r.instance_id).sort());

    expect(await firstExit).toBe(0);
    const graded = readReport(path.join(outA!, runId), TEXTWRAP);
    expect(graded.resolved).toBe(true);
    // a container removed under it would have been an infrastructure failure, retried in a second container
    expect(graded.sera_eval.attempts).toBe(1);
    expect([...(await containersOf(outA!)), ...(await containersOf(outB!))]).toEqual([]);
  }, 300_000);
});
