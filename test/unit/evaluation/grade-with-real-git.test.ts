import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SweBenchInstance } from '../../../src/dataset/schema.js';
import { demoBenchmark } from '../../../src/benchmarks/demo/demo.js';
import { gradeInEnvironment } from '../../../src/evaluation/grade-in-environment.js';
import { FakeEnvironment } from '../../support/fake-environment.js';

/**
 * Grading against a real git repository and real bash, no Docker: the fake environment runs each
 * command on the host with the container paths (/testbed, /tmp/patch.diff, /eval.sh) mapped into a
 * temp dir, and a `pytest` shim on PATH. Proves the apply chain's resets, the eval script's
 * markers/exit code under bash, and that HEAD stays on the setup commit (#518).
 */
const SHIM = `#!/bin/bash
shift
status=0
for f in "$@"; do
  [ -f "$f" ] || { echo "ERROR: file or directory not found: $f"; exit 4; }
  if grep -q fixed src/calc.py; then echo "PASSED $f::test_fixed"; else echo "FAILED $f::test_fixed - AssertionError"; status=1; fi
done
echo "========== 1 passed in 0.01s =========="
exit $status
`;

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

function makeRepo() {
  const root = mkdtempSync(path.join(tmpdir(), 'sera-grade-git-'));
  const repo = path.join(root, 'testbed');
  mkdirSync(path.join(repo, 'src'), { recursive: true });
  mkdirSync(path.join(root, 'bin'));
  writeFileSync(path.join(root, 'bin', 'pytest'), SHIM);
  chmodSync(path.join(root, 'bin', 'pytest'), 0o755);
  const lines = ['def a():', '    return 1', '', 'def b():', '    return 2', '', 'def c():', '    return 3', ''];
  writeFileSync(path.join(repo, 'src', 'calc.py'), lines.join('\n'));
  writeFileSync(path.join(repo, 'setup.cfg'), '[tool]\nflag = 0\n');
  const env = { ...process.env, HOME: root, GIT_CONFIG_GLOBAL: path.join(root, '.gitconfig') };
  const run = (...args: string[]) => execFileSync('git', args, { cwd: repo, env });
  run('init', '-q');
  run('config', 'user.email', 't@example.com');
  run('config', 'user.name', 'T');
  run('add', '-A');
  run('commit', '-qm', 'base');
  const baseCommit = git(repo, 'rev-parse', 'HEAD');
  // the image's setup commit on top of base (SWE-bench commits its setup edits)
  writeFileSync(path.join(repo, 'setup.cfg'), '[tool]\nflag = 1\n');
  run('commit', '-qam', 'SWE-bench');
  return { root, repo, baseCommit, setupCommit: git(repo, 'rev-parse', 'HEAD'), env };
}

function hostEnvironment(root: string, repo: string, env: NodeJS.ProcessEnv): FakeEnvironment {
  const mapPath = (p: string) => p.replaceAll('/tmp/patch.diff', path.join(root, 'patch.diff')).replace(/^\/eval\.sh$/, path.join(root, 'eval.sh'));
  const fake: FakeEnvironment = new FakeEnvironment((argv, options) => {
    for (const [file, content] of fake.files) {
      const text = content.toString('utf8').replaceAll('/testbed', repo);
      writeFileSync(mapPath(file), text);
    }
    // stdout and stderr merged in order, as a container exec delivers them
    const result = spawnSync('bash', ['-c', '"$@" 2>&1', '--', ...argv.map(mapPath)], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...env, PATH: `${path.join(root, 'bin')}:${env.PATH ?? ''}` },
      timeout: (options.timeoutS ?? 60) * 1000,
    });
    return { output: result.stdout, exitCode: result.status ?? 1 };
  });
  return fake;
}

const TEST_PATCH = [
  'diff --git a/tests/test_new.py b/tests/test_new.py',
  'new file mode 100644',
  'index 0000000..1111111',
  '--- /dev/null',
  '+++ b/tests/test_new.py',
  '@@ -0,0 +1 @@',
  '+def test_fixed(): pass',
  '',
].join('\n');

/** Context line "def B():" does not match the file ("def b():"): only patch's fuzz accepts it. */
const FUZZY_FIX = [
  'diff --git a/src/calc.py b/src/calc.py',
  '--- a/src/calc.py',
  '+++ b/src/calc.py',
  '@@ -3,6 +3,6 @@ def a():',
  ' ',
  ' def B():',
  '     return 2',
  ' ',
  ' def c():',
  '-    return 3',
  '+    return 3  # fixed',
  '',
].join('\n');

function instanceFor(baseCommit: string): SweBenchInstance {
  return {
    instance_id: 'sera-eval__local-1',
    repo: 'sera-eval/local',
    version: '0',
    base_commit: baseCommit,
    patch: '',
    test_patch: TEST_PATCH,
    problem_statement: '',
    hints_text: '',
    created_at: '',
    FAIL_TO_PASS: ['tests/test_new.py::test_fixed'],
    PASS_TO_PASS: [],
    environment_setup_commit: '',
  };
}

describe('gradeInEnvironment with real git and bash', () => {
  it('falls through to patch --fuzz, resolves, and leaves HEAD on the setup commit', async () => {
    const { root, repo, baseCommit, setupCommit, env } = makeRepo();
    const run = await gradeInEnvironment({
      env: hostEnvironment(root, repo, env),
      plan: demoBenchmark.gradingPlan(instanceFor(baseCommit)),
      patch: FUZZY_FIX,
      timeoutS: 60,
      maxOutputBytes: 1_000_000,
    });
    expect(run.applyCommand).toBe('patch --batch --forward --fuzz=5 -p1 -i /tmp/patch.diff');
    expect(run.verdict).toEqual({ kind: 'resolved', resolution: 'RESOLVED_FULL' });
    expect(run.testExitCode).toBe(0);
    expect(run.testOutput).toContain("+ : '>>>>> Start Test Output'");
    expect(run.testOutput).toMatch(/^>>>>> Test Exit Code: 0$/m);
    // the failed --reject attempt was reset: no .rej left, the fix is applied once
    expect(existsSync(path.join(repo, 'src', 'calc.py.rej'))).toBe(false);
    expect(readFileSync(path.join(repo, 'src', 'calc.py'), 'utf8').match(/# fixed/g)).toHaveLength(1);
    // #518: the added test file is removed, HEAD and the setup edit survive
    expect(existsSync(path.join(repo, 'tests', 'test_new.py'))).toBe(false);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(setupCommit);
    expect(readFileSync(path.join(repo, 'setup.cfg'), 'utf8')).toContain('flag = 1');
  });

  it('is unresolved with the real exit code when the patch does not fix the test', async () => {
    const { root, repo, baseCommit, env } = makeRepo();
    const harmless = FUZZY_FIX.replace('# fixed', '# touched').replace(' def B():', ' def b():');
    const run = await gradeInEnvironment({
      env: hostEnvironment(root, repo, env),
      plan: demoBenchmark.gradingPlan(instanceFor(baseCommit)),
      patch: harmless,
      timeoutS: 60,
      maxOutputBytes: 1_000_000,
    });
    expect(run.applyCommand).toBe('git apply --verbose /tmp/patch.diff');
    expect(run.verdict).toEqual({ kind: 'unresolved', resolution: 'RESOLVED_NO' });
    expect(run.testExitCode).toBe(1);
  });
});
