import { describe, expect, it } from 'vitest';
import { gradeLog } from '../../../src/evaluation/grade-log.js';
import { evalLog, instance, planFor } from './instances.js';

/**
 * The official harness writes the test output to test_output.txt and grades what Python's text-mode
 * read gives back (run_evaluation.py writes it, grading.py get_logs_eval `open(log_fp)` reads it):
 * universal newlines, so `\r\n` and a lone `\r` end a line before any parser sees the log.
 */
describe('grading reads the log as Python text mode does (universal newlines)', () => {
  it('django: `\\r` progress between `name ... ` and `ok` resolves, as parse_log_django on the re-read file does', () => {
    const F2P = 'test_new (forms_tests.tests.test_formsets.T)';
    const P2P = 'test_old (forms_tests.tests.test_formsets.T)';
    const log = evalLog(`${F2P} ... downloading 10%\rdownloading 100%\rok\n${P2P} ... ok\nRan 2 tests in 0.1s`);
    const grade = gradeLog(log, planFor(instance()));
    expect(grade.statusMap.get(F2P)).toBe('PASSED');
    expect(grade.resolution).toBe('RESOLVED_FULL');
  });

  it('pytest (parse_log_pytest): a `STATUS name` summary line after a `\\r` progress line is read', () => {
    const pytest = instance({ repo: 'pytest-dev/pytest', version: '7.2', FAIL_TO_PASS: ['t.py::a'], PASS_TO_PASS: ['t.py::b'] });
    const log = evalLog('collecting 3%\rcollecting 100%\rPASSED t.py::a\r\nPASSED t.py::b\r\n===== 2 passed in 0.1s =====');
    const grade = gradeLog(log, planFor(pytest));
    expect([...grade.statusMap.entries()]).toEqual([['t.py::a', 'PASSED'], ['t.py::b', 'PASSED']]);
    expect(grade.resolution).toBe('RESOLVED_FULL');
  });

  it('pytest (parse_log_pytest_v2, which deletes control characters) still sees the line a `\\r` ends', () => {
    const astropy = instance({
      repo: 'astropy/astropy',
      version: '5.0',
      FAIL_TO_PASS: ['astropy/t.py::a'],
      PASS_TO_PASS: [],
    });
    const grade = gradeLog(evalLog('progress 50%\rPASSED astropy/t.py::a\n===== 1 passed in 0.1s ====='), planFor(astropy));
    expect(grade.statusMap.get('astropy/t.py::a')).toBe('PASSED');
    expect(grade.resolution).toBe('RESOLVED_FULL');
  });

  it('sympy: a `test_x ok` after a `\\r` progress line is read', () => {
    const sympy = instance({ repo: 'sympy/sympy', version: '1.1', FAIL_TO_PASS: ['test_a'], PASS_TO_PASS: ['test_b'] });
    const log = evalLog('sympy/core/tests/test_x.py[2] \rtest_a ok\r\ntest_b ok\r\n= tests finished: 2 passed, in 0.1 seconds =');
    const grade = gradeLog(log, planFor(sympy));
    expect(grade.statusMap.get('test_a')).toBe('PASSED');
    expect(grade.resolution).toBe('RESOLVED_FULL');
  });

  it('reads the exit code line even when it ends with `\\r\\n`', () => {
    const log = evalLog('test_new (forms_tests.tests.test_formsets.T) ... ok\ntest_old (forms_tests.tests.test_formsets.T) ... ok').replaceAll('\n', '\r\n');
    const grade = gradeLog(log, planFor(instance()));
    expect(grade.testExitCode).toBe(0);
    expect(grade.resolution).toBe('RESOLVED_FULL');
  });
});
