import { describe, expect, it } from 'vitest';
import { EnvironmentUnavailableError } from '../../../src/environment/environment.js';
import { InterruptedError } from '../../../src/errors.js';
import { APPLY_COMMANDS, RESET_TREE } from '../../../src/evaluation/apply-chain.js';
import { gradeInEnvironment } from '../../../src/evaluation/grade-in-environment.js';
import { gradingInputSha256 } from '../../../src/evaluation/grading-input-hash.js';
import { makeInstanceReportEntry, type ReportCellInfo } from '../../../src/evaluation/instance-report.js';
import { InstanceReportEntrySchema } from '../../../src/run-dir/schemas.js';
import { FakeEnvironment, type ScriptedResult } from '../../support/fake-environment.js';
import { evalLog, instance, planFor } from './instances.js';

const F2P = 'test_new (forms_tests.tests.test_formsets.T)';
const P2P = 'test_old (forms_tests.tests.test_formsets.T)';
const PATCH = 'diff --git a/django/x.py b/django/x.py\n--- a/django/x.py\n+++ b/django/x.py\n@@ -1 +1 @@\n-a\n+b\n';
const PASSING_LOG = evalLog(`${F2P} ... ok\n${P2P} ... ok\nRan 2 tests in 0.01s`);

/** Apply attempts fail until `applyWinsAt`; eval.sh answers `evalResult`. */
function scripted(applyWinsAt: number, evalResult: ScriptedResult): FakeEnvironment {
  return new FakeEnvironment((argv) => {
    if (argv[0] === '/bin/bash' && argv[1] === '/eval.sh') return evalResult;
    const script = argv[2] ?? '';
    const attempt = APPLY_COMMANDS.findIndex((c) => script.endsWith(c));
    return attempt === applyWinsAt ? { output: `applied by ${attempt}` } : { output: `error: attempt ${attempt} failed`, exitCode: 1 };
  });
}

const args = (env: FakeEnvironment, patch: string | null = PATCH) => ({
  env,
  plan: planFor(instance()),
  patch,
  timeoutS: 1800,
  maxOutputBytes: 1_000_000,
});

describe('gradeInEnvironment', () => {
  it('writes the patch as a file, applies it, runs eval.sh and resolves', async () => {
    const env = scripted(0, { output: PASSING_LOG });
    const run = await gradeInEnvironment(args(env));
    expect(run.verdict).toEqual({ kind: 'resolved', resolution: 'RESOLVED_FULL' });
    expect(env.text('/tmp/patch.diff')).toBe(PATCH);
    expect(env.text('/eval.sh')).toBe(run.evalScript);
    expect(env.execCalls.map((c) => c.argv)).toEqual([
      ['bash', '-c', 'git apply --verbose /tmp/patch.diff'],
      ['/bin/bash', '/eval.sh'],
    ]);
    expect(env.execCalls.every((c) => !c.argv.join(' ').includes(PATCH))).toBe(true);
    expect(env.execCalls[1]?.options).toMatchObject({ timeoutS: 1800, maxOutputBytes: 1_000_000 });
    expect(run).toMatchObject({ applyCommand: APPLY_COMMANDS[0], applyOutput: 'applied by 0', testExitCode: 0, timedOut: false });
    expect(run.tests_s).toBeGreaterThanOrEqual(0);
  });

  it('walks the chain, resetting the tree before each retry', async () => {
    const env = scripted(3, { output: PASSING_LOG });
    const run = await gradeInEnvironment(args(env));
    expect(run.applyCommand).toBe('patch --batch --forward --fuzz=5 -p1 -i /tmp/patch.diff');
    const scripts = env.execCalls.slice(0, 4).map((c) => c.argv[2]);
    expect(scripts[0]).toBe(APPLY_COMMANDS[0]);
    for (const s of scripts.slice(1)) expect(s?.startsWith(`${RESET_TREE} && `)).toBe(true);
  });

  it('is an error with the last output when no apply command works, and eval.sh never runs', async () => {
    const env = scripted(-1, { output: PASSING_LOG });
    const run = await gradeInEnvironment(args(env));
    expect(run.verdict).toMatchObject({ kind: 'error', stage: 'patch_apply', code: 'patch_apply_failed' });
    expect(run.applyOutput).toBe('error: attempt 3 failed');
    expect(run.verdict.kind === 'error' && run.verdict.message).toContain('>>>>> Patch Apply Failed:\nerror: attempt 3 failed');
    expect(run.testOutput).toBeNull();
    expect(env.execCalls.some((c) => c.argv[1] === '/eval.sh')).toBe(false);
  });

  it('is an error on timeout, noting it in the test output', async () => {
    const env = scripted(0, { output: 'partial', exitCode: 124, timedOut: true });
    const run = await gradeInEnvironment({ ...args(env), timeoutS: 5 });
    expect(run.verdict).toMatchObject({ kind: 'error', stage: 'tests', code: 'tests_timeout' });
    expect(run.testOutput).toBe('partial\n\nTimeout error: 5 seconds exceeded.');
    expect(run.timedOut).toBe(true);
  });

  it('is unresolved when a FAIL_TO_PASS test fails, an error when the log is unusable', async () => {
    const failing = await gradeInEnvironment(args(scripted(0, { output: evalLog(`${F2P} ... FAIL\n${P2P} ... ok`, 1) })));
    expect(failing.verdict).toEqual({ kind: 'unresolved', resolution: 'RESOLVED_NO' });
    expect(failing.testExitCode).toBe(1);
    const broken = await gradeInEnvironment(args(scripted(0, { output: 'bash: conda: command not found' })));
    expect(broken.verdict).toMatchObject({ kind: 'error', stage: 'log', code: 'log_unusable' });
  });

  it('names an out-of-memory kill of a test process as its own error, not as a log problem', async () => {
    // eval.sh exits 0 (its last command is the test-file reset) while the killed runner exited 137.
    const killed = { output: evalLog(`${F2P} ... ok\nKilled`, 137), outOfMemory: { limitBytes: 8 * 1024 ** 3 } };
    const run = await gradeInEnvironment(args(scripted(0, killed)));
    expect(run.verdict).toEqual({
      kind: 'error',
      stage: 'tests',
      code: 'out_of_memory',
      message: 'out of memory at 8 GiB: the kernel killed a test process (the test command exited 137)',
    });
    expect(run.testOutput).toContain('Killed');
    expect(run.testExitCode).toBe(137);
    const env = scripted(0, killed);
    await gradeInEnvironment(args(env));
    expect(env.execCalls.at(-1)?.options.detectOutOfMemory).toBe(true);
  });

  it('names a container killed for memory during eval.sh the same way', async () => {
    const env = new FakeEnvironment((argv) => {
      if (argv[1] === '/eval.sh') throw new EnvironmentUnavailableError('out of memory at 512 MiB: the daemon reports container /x OOMKilled', { code: 'oom' });
      return {};
    });
    const run = await gradeInEnvironment(args(env));
    expect(run.verdict).toMatchObject({ kind: 'error', stage: 'tests', code: 'out_of_memory', message: expect.stringMatching(/^out of memory at 512 MiB/) });
  });

  it('runs nothing for an empty or null patch', async () => {
    for (const patch of ['', null]) {
      const env = scripted(0, { output: PASSING_LOG });
      const run = await gradeInEnvironment(args(env, patch));
      expect(run.verdict).toEqual({ kind: 'empty_patch' });
      expect(env.execCalls).toHaveLength(0);
      expect(env.files.size).toBe(0);
    }
  });

  it('lets infrastructure failures and interrupts through as throws', async () => {
    const dead = new FakeEnvironment(() => {
      throw new EnvironmentUnavailableError('container gone');
    });
    await expect(gradeInEnvironment(args(dead))).rejects.toBeInstanceOf(EnvironmentUnavailableError);
    const controller = new AbortController();
    controller.abort();
    await expect(gradeInEnvironment({ ...args(scripted(0, {})), signal: controller.signal })).rejects.toBeInstanceOf(InterruptedError);
  });
});

describe('makeInstanceReportEntry', () => {
  const info = (modelPatch: string | null): ReportCellInfo => ({
    modelPatch,
    modelNameOrPath: 'sera-32b',
    context: '32k',
    seed: '1',
    inputSha256: 'f'.repeat(64),
    image: 'sweb.eval.x86_64.django_1776_django-1:latest',
    totalS: 12.5,
    attempts: 1,
    finishedAt: new Date('2026-01-01T00:00:00Z'),
  });

  it('fills the official fields and the sera_eval block for a resolved cell', async () => {
    const run = await gradeInEnvironment(args(scripted(0, { output: PASSING_LOG })));
    const entry = InstanceReportEntrySchema.parse(makeInstanceReportEntry(run.verdict, run, info(PATCH)));
    expect(entry).toMatchObject({ patch_is_None: false, patch_exists: true, patch_successfully_applied: true, resolved: true });
    expect(entry.tests_status?.FAIL_TO_PASS.success).toEqual([F2P]);
    expect(entry.sera_eval).toMatchObject({ outcome: 'resolved', resolution: 'RESOLVED_FULL', error: null, test_exit_code: 0 });
    expect(entry.sera_eval.finished_at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reports errors without tests_status, and a null patch as patch_is_None', async () => {
    const run = await gradeInEnvironment(args(scripted(-1, {})));
    const entry = makeInstanceReportEntry(run.verdict, run, info(PATCH));
    expect(entry.patch_successfully_applied).toBe(false);
    expect(entry.tests_status).toBeUndefined();
    expect(entry.sera_eval.error).toMatchObject({ stage: 'patch_apply', code: 'patch_apply_failed' });
    const none = makeInstanceReportEntry({ kind: 'empty_patch' }, null, info(null));
    expect(none).toMatchObject({ patch_is_None: true, patch_exists: false, resolved: false });
    expect(none.sera_eval.outcome).toBe('empty_patch');
    const infra = makeInstanceReportEntry({ kind: 'infrastructure', stage: 'container', code: 'oom', message: 'killed' }, null, info(PATCH));
    expect(InstanceReportEntrySchema.parse(infra).sera_eval.outcome).toBe('infrastructure');
  });
});

describe('gradingInputSha256', () => {
  it('changes with the patch, the image, the test lists and the test patch, not otherwise', () => {
    const base = { instance: instance(), patch: PATCH as string | null, image: 'img:1' };
    const sha = (input: typeof base) => gradingInputSha256({ patch: input.patch, image: input.image, plan: planFor(input.instance) });
    const hash = sha(base);
    expect(sha({ ...base })).toBe(hash);
    expect(sha({ ...base, instance: instance({ problem_statement: 'reworded' }) })).toBe(hash);
    expect(sha({ ...base, patch: `${PATCH}\n` })).not.toBe(hash);
    expect(sha({ ...base, patch: null })).not.toBe(sha({ ...base, patch: '' }));
    expect(sha({ ...base, image: 'img:2' })).not.toBe(hash);
    expect(sha({ ...base, instance: instance({ PASS_TO_PASS: [] }) })).not.toBe(hash);
    expect(sha({ ...base, instance: instance({ test_patch: 'diff --git a/t.py b/t.py\n' }) })).not.toBe(hash);
  });
});
