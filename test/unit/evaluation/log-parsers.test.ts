import { describe, expect, it } from 'vitest';
import { LOG_PARSERS } from '../../../src/benchmarks/swe-bench/log-parsers/index.js';

const asObject = (map: Map<string, string>) => Object.fromEntries(map);

describe('parse_log_django', () => {
  const parse = LOG_PARSERS.parse_log_django;

  it('reads ok, OK, FAIL, ERROR and skipped result lines', () => {
    const log = [
      'test_a (m.tests.T) ... ok',
      '  test_b (m.tests.T) ... OK  ',
      'test_c (m.tests.T) ...  OK',
      'test_d (m.tests.T) ... FAIL',
      'test_e (m.tests.T) ... ERROR',
      "test_f (m.tests.T) ... skipped 'needs postgres'",
    ].join('\n');
    expect(asObject(parse(log))).toEqual({
      'test_a (m.tests.T)': 'PASSED',
      'test_b (m.tests.T)': 'PASSED',
      'test_c (m.tests.T)': 'PASSED',
      'test_d (m.tests.T)': 'FAILED',
      'test_e (m.tests.T)': 'ERROR',
      'test_f (m.tests.T)': 'SKIPPED',
    });
  });

  it('keeps docstring first lines as test names', () => {
    const log = 'test_x (auth_tests.test_views.LoginTest)\nStay on the login page by default. ... ok\n';
    expect(parse(log).get('Stay on the login page by default.')).toBe('PASSED');
  });

  it('marks FAIL:/ERROR: headers by their second token, overriding an earlier ok', () => {
    const log = [
      'test_a (m.T) ... ok',
      '======================================================================',
      'FAIL: test_a (m.T)',
      'ERROR: test_z (m.T)',
    ].join('\n');
    // the second token of "FAIL: test_a (m.T)" is "test_a": the official parser keys it so
    expect(asObject(parse(log))).toEqual({ 'test_a (m.T)': 'PASSED', test_a: 'FAILED', test_z: 'ERROR' });
  });

  it('credits a bare `ok` line to the last test that printed ` ... `', () => {
    const log = 'test_slow (m.T) ... some output printed by the test\nmore output\nok\n';
    expect(parse(log).get('test_slow (m.T)')).toBe('PASSED');
  });

  it('recognises the three interleaved multi-line shapes', () => {
    const log = [
      'test_one (check_framework.tests.T) ... Testing against Django installed in /testbed/django',
      // a ` ... ` line in between moves prev_test, so only the multi-line pattern credits test_one
      "Cloning test database for alias 'other' ... done\nSystem check identified no issues (0 silenced).",
      'ok',
      'test_two (view_tests.T) ... Internal Server Error: /raises500/',
      'ok',
      'test_three (m.T) ... System check identified no issues (0 silenced)',
      'ok',
    ].join('\n');
    const map = parse(log);
    expect(map.get('test_one (check_framework.tests.T)')).toBe('PASSED');
    expect(map.get("Cloning test database for alias 'other'")).toBe('PASSED');
    expect(map.get('test_two (view_tests.T)')).toBe('PASSED');
    expect(map.get('test_three (m.T)')).toBe('PASSED');
  });

  it('handles the django__django-7188 migration line and the --version test', () => {
    const log = [
      'Applying sites.0002_alter_domain_unique...test_no_migrations (m.T) ... ok',
      'test_version (admin_scripts.tests.CommandTypes)',
      '--version is equivalent to version ... ok',
    ].join('\n');
    const map = parse(log);
    expect(map.get('test_no_migrations (m.T)')).toBe('PASSED');
    expect(map.get('--version is equivalent to version')).toBe('PASSED');
  });
});

describe('parse_log_sympy', () => {
  const parse = LOG_PARSERS.parse_log_sympy;
  it('reads ok/F/E lines, ignores f and s, and keys failure headers by path:name', () => {
    const log = [
      'sympy/core/tests/test_basic.py[3] ',
      'test_a ok',
      'test_b F',
      'test_c E',
      'test_d f',
      'test_e s',
      '________ sympy/core/tests/test_basic.py:test_b ________',
    ].join('\n');
    expect(asObject(parse(log))).toEqual({
      test_a: 'PASSED',
      test_b: 'FAILED',
      test_c: 'ERROR',
      'sympy/core/tests/test_basic.py:test_b': 'FAILED',
    });
  });

  it('reads result lines with trailing spaces or timings before the code', () => {
    expect(parse('test_slow ok  \n').get('test_slow')).toBe('PASSED');
    expect(parse('test_timed 2.1s ok').get('test_timed')).toBe('PASSED');
  });
});

describe('parse_log_pytest and relatives', () => {
  it('parse_log_pytest reads `STATUS nodeid`, dropping the FAILED message', () => {
    const log = [
      'PASSED tests/test_a.py::test_ok',
      'FAILED tests/test_a.py::test_bad - AssertionError: x - y',
      'ERROR tests/test_a.py::test_err',
      'SKIPPED [1] tests/test_a.py:10: no network',
      'XFAIL tests/test_a.py::test_known',
      'tests/test_a.py::test_verbose PASSED',
      'PASSED',
    ].join('\n');
    expect(asObject(LOG_PARSERS.parse_log_pytest(log))).toEqual({
      'tests/test_a.py::test_ok': 'PASSED',
      'tests/test_a.py::test_bad': 'FAILED',
      'tests/test_a.py::test_err': 'ERROR',
      '[1]': 'SKIPPED',
      'tests/test_a.py::test_known': 'XFAIL',
    });
  });

  it('keeps brackets of parametrized ids but cuts at the first space, like the official parser', () => {
    const log = 'PASSED tests/t.py::test_p[a-b] \nPASSED tests/t.py::test_q[with space]\n';
    const map = LOG_PARSERS.parse_log_pytest(log);
    expect(map.get('tests/t.py::test_p[a-b]')).toBe('PASSED');
    expect(map.get('tests/t.py::test_q[with')).toBe('PASSED');
  });

  it('parse_log_pytest_v2 strips colour codes and reads the `name STATUS` form', () => {
    const log = [
      '\u001b[32mPASSED\u001b[0m tests/test_x.py::test_one',
      'tests/test_x.py::test_two \u001b[31mFAILED\u001b[0m',
      '\u001b[31mFAILED\u001b[0m tests/test_x.py::test_three - assert 1 == 2',
    ].join('\n');
    expect(asObject(LOG_PARSERS.parse_log_pytest_v2(log))).toEqual({
      'tests/test_x.py::test_one': 'PASSED',
      'tests/test_x.py::test_two': 'FAILED',
      'tests/test_x.py::test_three': 'FAILED',
    });
    // parse_log_pytest has no colour stripping: the same line gives nothing usable
    expect(LOG_PARSERS.parse_log_pytest(log).has('tests/test_x.py::test_one')).toBe(false);
  });

  it('parse_log_pytest_options keeps only the last part of an absolute-path option', () => {
    const log = [
      'PASSED tests/test_lint.py::test_file[/tmp/pytest-of-root/pytest-0/data/a.py]',
      'PASSED tests/t.py::test_url[//host/path]',
      'PASSED tests/t.py::test_glob[/data/*.py]',
      'PASSED tests/t.py::test_plain[x]',
    ].join('\n');
    expect([...LOG_PARSERS.parse_log_pytest_options(log).keys()]).toEqual([
      'tests/test_lint.py::test_file[/a.py]',
      'tests/t.py::test_url[//host/path]',
      'tests/t.py::test_glob[/data/*.py]',
      'tests/t.py::test_plain[x]',
    ]);
  });

  it('parse_log_matplotlib maps MouseButton names to numbers', () => {
    const log = 'PASSED lib/matplotlib/tests/test_widgets.py::test_span[MouseButton.LEFT-x]\n';
    expect([...LOG_PARSERS.parse_log_matplotlib(log).keys()]).toEqual([
      'lib/matplotlib/tests/test_widgets.py::test_span[1-x]',
    ]);
  });

  it('parse_log_seaborn reads FAILED first, `name PASSED ` and PASSED first', () => {
    const log = [
      'FAILED tests/test_a.py::test_f - ValueError',
      'tests/test_a.py::test_v PASSED [ 50%]',
      'PASSED tests/test_a.py::test_p',
      'ERROR tests/test_a.py::test_e',
    ].join('\n');
    expect(asObject(LOG_PARSERS.parse_log_seaborn(log))).toEqual({
      'tests/test_a.py::test_f': 'FAILED',
      'tests/test_a.py::test_v': 'PASSED',
      'tests/test_a.py::test_p': 'PASSED',
    });
  });

  it('splits on Python whitespace: \\x1c separates tokens, \\ufeff does not', () => {
    expect([...LOG_PARSERS.parse_log_pytest('PASSED\x1ctests/a.py::t\n').keys()]).toEqual(['tests/a.py::t']);
    expect([...LOG_PARSERS.parse_log_pytest('PASSED tests/a.py::t\ufeffx\n').keys()]).toEqual(['tests/a.py::t\ufeffx']);
  });
});
