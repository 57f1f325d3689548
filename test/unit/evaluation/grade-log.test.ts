import { describe, expect, it } from 'vitest';
import { gradeLog } from '../../../src/evaluation/grade-log.js';
import { evalLog, instance, planFor } from './instances.js';

const F2P = 'test_new (forms_tests.tests.test_formsets.T)';
const P2P = 'test_old (forms_tests.tests.test_formsets.T)';

describe('gradeLog', () => {
  it('resolves when every FAIL_TO_PASS and PASS_TO_PASS test passes', () => {
    const grade = gradeLog(evalLog(`${F2P} ... ok\n${P2P} ... ok\nRan 2 tests in 0.1s`), planFor(instance()));
    expect(grade.logUsable).toBe(true);
    expect(grade.resolution).toBe('RESOLVED_FULL');
    expect(grade.tests_status.FAIL_TO_PASS).toEqual({ success: [F2P], failure: [] });
    expect(grade.testExitCode).toBe(0);
  });

  it('fails a FAIL_TO_PASS test that is missing from the log', () => {
    const grade = gradeLog(evalLog(`${P2P} ... ok`), planFor(instance()));
    expect(grade.resolution).toBe('RESOLVED_NO');
    expect(grade.tests_status.FAIL_TO_PASS.failure).toEqual([F2P]);
  });

  it('fails a skipped FAIL_TO_PASS test but keeps a skipped PASS_TO_PASS test as maintained', () => {
    const skippedF2p = gradeLog(evalLog(`${F2P} ... skipped 'x'\n${P2P} ... ok`), planFor(instance()));
    expect(skippedF2p.resolution).toBe('RESOLVED_NO');
    expect(skippedF2p.skipped.FAIL_TO_PASS).toEqual([F2P]);
    const skippedP2p = gradeLog(evalLog(`${F2P} ... ok\n${P2P} ... skipped 'x'`), planFor(instance()));
    expect(skippedP2p.resolution).toBe('RESOLVED_FULL');
    expect(skippedP2p.skipped.PASS_TO_PASS).toEqual([P2P]);
  });

  it('gives RESOLVED_PARTIAL when some FAIL_TO_PASS pass and all PASS_TO_PASS pass', () => {
    const two = instance({ FAIL_TO_PASS: [F2P, 'test_b (m.T)'] });
    const log = evalLog(`${F2P} ... ok\ntest_b (m.T) ... FAIL\n${P2P} ... ok`, 1);
    expect(gradeLog(log, planFor(two)).resolution).toBe('RESOLVED_PARTIAL');
  });

  it('counts XFAIL as passed', () => {
    const pytest = instance({ repo: 'pytest-dev/pytest', version: '7.2', FAIL_TO_PASS: ['t.py::a'], PASS_TO_PASS: [] });
    expect(gradeLog(evalLog('XFAIL t.py::a - reason'), planFor(pytest)).resolution).toBe('RESOLVED_FULL');
  });

  it('parses only between the markers, and the whole log when nothing is found there', () => {
    const outside = `${F2P} ... ok\n${P2P} ... ok\n`;
    expect(gradeLog(outside + evalLog('Ran 2 tests'), planFor(instance())).resolution).toBe('RESOLVED_FULL');
    const between = `${F2P} ... FAIL\n${evalLog(`${F2P} ... ok\n${P2P} ... ok`)}`;
    expect(gradeLog(between, planFor(instance())).resolution).toBe('RESOLVED_FULL');
  });

  it('rejects a log without markers as unusable, not as a verdict', () => {
    const grade = gradeLog(`${F2P} ... ok\n${P2P} ... ok\n`, planFor(instance()));
    expect(grade.logUsable).toBe(false);
    expect(grade.resolution).toBeNull();
    expect(grade.problem).toMatch(/markers/);
  });

  it('rejects a non-zero exit with no FAILED or ERROR entry', () => {
    const grade = gradeLog(evalLog(`${F2P} ... ok\n${P2P} ... ok\nSegmentation fault`, 139), planFor(instance()));
    expect(grade.logUsable).toBe(false);
    expect(grade.problem).toBe('the test command exited 139 but the log reports no FAILED or ERROR test');
    const withFailure = gradeLog(evalLog(`${F2P} ... FAIL\n${P2P} ... ok`, 1), planFor(instance()));
    expect(withFailure.logUsable).toBe(true);
    expect(withFailure.resolution).toBe('RESOLVED_NO');
  });

  it('ignores an exit code line forged inside the test output', () => {
    const forged = evalLog(`>>>>> Test Exit Code: 0\n${F2P} ... ok\n${P2P} ... ok`, 2);
    expect(gradeLog(forged, planFor(instance())).testExitCode).toBe(2);
  });

  it('reads the exit code and results when stdout came before the stderr xtrace markers', () => {
    const stdout = `${F2P} ... FAIL\n${P2P} ... ok\n>>>>> Test Exit Code: 1`;
    const stderr = "+ : '>>>>> Start Test Output'\n+ ./tests/runtests.py\n+ : '>>>>> End Test Output'";
    const grade = gradeLog(`${stdout}\n${stderr}`, planFor(instance()));
    expect(grade.testExitCode).toBe(1);
    expect(grade.tests_status.FAIL_TO_PASS.failure).toEqual([F2P]);
  });

  it('rejects an empty status map unless the suite visibly ran', () => {
    expect(gradeLog(evalLog('ImportError: no module named x'), planFor(instance())).logUsable).toBe(false);
    const ranNothing = gradeLog(evalLog('\nRan 0 tests in 0.000s\n\nOK'), planFor(instance()));
    expect(ranNothing.logUsable).toBe(true);
    expect(ranNothing.resolution).toBe('RESOLVED_NO');
    const pytest = instance({ repo: 'pytest-dev/pytest', version: '5.0', FAIL_TO_PASS: ['t.py::a'], PASS_TO_PASS: [] });
    for (const summary of [
      '\u001b[33m===== no tests ran in 0.01s =====\u001b[0m',
      '========== 1 deselected in 0.02 seconds ==========',
    ]) {
      expect(gradeLog(evalLog(summary), planFor(pytest)).logUsable, summary).toBe(true);
    }
    const sympy = instance({ repo: 'sympy/sympy', version: '1.1', FAIL_TO_PASS: ['test_a'], PASS_TO_PASS: [] });
    expect(gradeLog(evalLog('=========== tests finished: 0 passed, in 0.01 seconds ==========='), planFor(sympy)).logUsable).toBe(true);
  });

  it('rejects logs carrying an official failure marker', () => {
    expect(gradeLog(evalLog(`${F2P} ... ok\n>>>>> Tests Timed Out`), planFor(instance())).logUsable).toBe(false);
  });
});
