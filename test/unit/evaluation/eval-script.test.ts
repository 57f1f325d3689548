import { demoTestSpec } from '../../../src/benchmarks/demo/demo.js';
import { describe, expect, it } from 'vitest';
import { makeEvalScript, testCommand } from '../../../src/benchmarks/swe-bench/eval-script.js';
import { findTestSpec, UnknownTestSpecError } from '../../../src/benchmarks/swe-bench/specs/find-test-spec.js';
import { testDirectives } from '../../../src/benchmarks/swe-bench/test-directives.js';
import { testPatchFiles } from '../../../src/benchmarks/swe-bench/test-patch-files.js';
import { MODIFY_AND_ADD_TEST_PATCH, instance } from './instances.js';

describe('testPatchFiles', () => {
  it('tells modified files from added ones, including binary additions, ignoring hunk lines', () => {
    expect(testPatchFiles(MODIFY_AND_ADD_TEST_PATCH)).toEqual({
      modified: ['tests/forms_tests/tests/test_formsets.py'],
      added: ['tests/forms_tests/new_test.py', 'tests/forms_tests/data.json'],
    });
  });

  it('counts a deleted file as modified (git checkout restores it)', () => {
    const patch = 'diff --git a/t/x.py b/t/x.py\ndeleted file mode 100644\n--- a/t/x.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n';
    expect(testPatchFiles(patch)).toEqual({ modified: ['t/x.py'], added: [] });
  });
});

describe('testDirectives', () => {
  it('drops non-test extensions (csv without a dot) and makes django labels', () => {
    const patch = [
      'diff --git a/tests/forms_tests/tests/test_formsets.py b/tests/forms_tests/tests/test_formsets.py',
      'diff --git a/tests/forms_tests/data.json b/tests/forms_tests/data.json',
      'diff --git a/tests/x/fixturecsv b/tests/x/fixturecsv',
      'diff --git a/tests/x/models.py b/tests/x/models.py',
    ].join('\n');
    expect(testDirectives(patch, { djangoDirectives: true })).toEqual(['forms_tests.tests.test_formsets', 'x.models']);
    expect(testDirectives(patch, { djangoDirectives: false })).toEqual([
      'tests/forms_tests/tests/test_formsets.py',
      'tests/x/models.py',
    ]);
  });

  it('splits at the last " b/" like the greedy Python regex', () => {
    expect(testDirectives('diff --git a/x b/y.py b/z.py\n', { djangoDirectives: false })).toEqual(['z.py']);
  });
});

describe('makeEvalScript', () => {
  it('follows the official order with the exit code and the rm -f fix', () => {
    const spec = findTestSpec('django/django', '3.0');
    const script = makeEvalScript(instance(), spec);
    const lines = script.split('\n');
    const reset = 'git checkout base123 tests/forms_tests/tests/test_formsets.py';
    const remove = 'rm -f tests/forms_tests/new_test.py tests/forms_tests/data.json';
    const order = [
      '#!/bin/bash',
      'set -uxo pipefail',
      'source /opt/miniconda3/bin/activate',
      'conda activate testbed',
      'cd /testbed',
      "sed -i '/en_US.UTF-8/s/^# //g' /etc/locale.gen && locale-gen",
      'export LC_ALL=en_US.UTF-8',
      'git config --global --add safe.directory /testbed',
      'git status',
      'git show',
      'git -c core.fileMode=false diff base123',
      'python -m pip install -e .',
      reset,
      remove,
      "git apply -v - <<'EOF_114329324912'",
      'EOF_114329324912',
      ": '>>>>> Start Test Output'",
      './tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 forms_tests.tests.test_formsets forms_tests.new_test',
      'SWEBENCH_TEST_EXIT_CODE=$?',
      ": '>>>>> End Test Output'",
      'echo ">>>>> Test Exit Code: $SWEBENCH_TEST_EXIT_CODE"',
    ];
    let at = -1;
    for (const expected of order) {
      const found = lines.indexOf(expected, at + 1);
      expect(found, `"${expected}" after line ${at}`).toBeGreaterThan(at);
      at = found;
    }
    expect(lines.slice(-3)).toEqual([reset, remove, '']);
    expect(script).toContain(`${MODIFY_AND_ADD_TEST_PATCH}\nEOF_114329324912`);
    expect(script).not.toMatch(/^git checkout base123$/m);
  });

  it('never emits a path-less git checkout for a test patch that only adds files', () => {
    const onlyAdds = 'diff --git a/tests/test_new.py b/tests/test_new.py\nnew file mode 100644\n--- /dev/null\n+++ b/tests/test_new.py\n@@ -0,0 +1 @@\n+x\n';
    const spec = findTestSpec('sphinx-doc/sphinx', '3.5');
    const script = makeEvalScript(instance({ repo: 'sphinx-doc/sphinx', version: '3.5', test_patch: onlyAdds }), spec);
    expect(script).not.toContain('git checkout base123');
    expect(script.match(/^rm -f tests\/test_new.py$/gm)).toHaveLength(2);
    expect(script).toContain('\ntox --current-env -epy39 -v -- tests/test_new.py\n');
  });

  it('uses plain pytest without conda for the demo repos', () => {
    const spec = demoTestSpec({ repo: 'sera-eval/textwrapx', version: 'anything' });
    const script = makeEvalScript(instance({ repo: 'sera-eval/textwrapx', test_patch: 'diff --git a/tests/test_w.py b/tests/test_w.py\n' }), spec);
    expect(script).not.toContain('conda');
    expect(script).not.toContain('pip install');
    expect(testCommand({ test_patch: 'diff --git a/tests/test_w.py b/tests/test_w.py\n' }, spec)).toBe('pytest -rA tests/test_w.py');
    expect(spec.parser).toBe('parse_log_pytest');
  });
});

describe('findTestSpec', () => {
  it('knows each Appendix A group and its parser', () => {
    expect(findTestSpec('django/django', '1.11').evalCommands).toContain('export PYTHONIOENCODING=utf8');
    expect(findTestSpec('astropy/astropy', '1.3').testCmd).toBe('pytest -rA -vv -o console_output_style=classic --tb=no');
    expect(findTestSpec('mwaskom/seaborn', '0.12').testCmd).toBe('pytest --no-header -rA');
    expect(findTestSpec('psf/requests', '2.0').install).toBe('python -m pip install .');
    expect(findTestSpec('pylint-dev/pylint', '2.15').parser).toBe('parse_log_pytest_options');
    expect(findTestSpec('matplotlib/matplotlib', '3.5').parser).toBe('parse_log_matplotlib');
  });

  it('throws a named error for an unknown repo or version', () => {
    expect(() => findTestSpec('django/django', '9.9')).toThrow(UnknownTestSpecError);
    expect(() => findTestSpec('django/django', '9.9')).toThrow(/version "9.9"; known versions: 1.11, 2.2/);
    expect(() => findTestSpec('octo/cat', '1.0')).toThrow(/no test spec for repo octo\/cat/);
    expect(() => findTestSpec('django/django', 'constructor')).toThrow(UnknownTestSpecError);
  });
});
