import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import type { SweBenchInstance } from '../../../src/dataset/schema.js';
import { makeEvalScript } from '../../../src/benchmarks/swe-bench/eval-script.js';
import { gradeLog } from '../../../src/evaluation/grade-log.js';
import { pySplit, pyStrip } from '../../../src/benchmarks/swe-bench/log-parsers/python-strings.js';
import { findTestSpec } from '../../../src/benchmarks/swe-bench/specs/find-test-spec.js';
import type { LogParserName } from '../../../src/benchmarks/swe-bench/specs/test-spec.js';
import { verifiedJsonl } from '../../support/shared-datasets.js';
import { evalLog, planFor } from './instances.js';

const { rows } = await loadDataset(verifiedJsonl(), { cacheDir: tmpdir() });

const testNames = (row: SweBenchInstance) => [...row.FAIL_TO_PASS, ...row.PASS_TO_PASS];
const singleToken = (name: string) => name !== '' && pySplit(name).length === 1 && pySplit(name)[0] === name;

/** Can the repo's parser produce this name at all (with a PASSED status)? */
const PRODUCIBLE: Record<LogParserName, (name: string) => boolean> = {
  // the text before " ... " on a stripped line: a `test (module.Class)` id or a docstring line
  parse_log_django: (n) => n !== '' && pyStrip(n) === n && !n.includes(' ... ') && !n.includes('\n'),
  parse_log_sympy: (n) => n.startsWith('test_') && singleToken(n),
  parse_log_pytest: singleToken,
  parse_log_pytest_options: singleToken,
  parse_log_matplotlib: (n) => singleToken(n) && !n.includes('MouseButton.'),
  parse_log_pytest_v2: (n) => singleToken(n) && !/\[\d+m/.test(n),
  parse_log_seaborn: singleToken,
};

/** The shape each repo's names are expected to have in Verified. */
const DJANGO_ID = /^test\w* \([\w.]+\)$/;
const PYTEST_NODE_ID = /^[\w./-]+\.py::\S+$/;
/**
 * Verified names that are not pytest node ids, with the reason: both are the key `[100%]`, parsed
 * from a `PASSED [100%]` line printed by pytest's own nested test runs; harmless (it is a P2P name
 * the parser does produce from that same line).
 */
const KNOWN_NON_NODE_IDS = ['pytest-dev__pytest-5262 [100%]', 'pytest-dev__pytest-7521 [100%]'];

function passingLine(parser: LogParserName, name: string): string {
  if (parser === 'parse_log_django') return `${name} ... ok`;
  if (parser === 'parse_log_sympy') return `${name} ok`;
  return `PASSED ${name}`;
}

describe('SWE-bench Verified (500 rows)', () => {
  it('loads all 500 rows, with the published count per repo', () => {
    expect(rows).toHaveLength(500);
    const byRepo = Object.fromEntries(
      [...new Set(rows.map((r) => r.repo))].map((repo) => [repo, rows.filter((r) => r.repo === repo).length]),
    );
    expect(byRepo).toMatchObject({ 'django/django': 231, 'sympy/sympy': 75, 'sphinx-doc/sphinx': 44, 'pallets/flask': 1 });
  });

  it('has a spec for every instance and an eval script running its own test files', () => {
    const withoutDirectives: string[] = [];
    for (const row of rows) {
      const spec = findTestSpec(row.repo, row.version);
      const script = makeEvalScript(row, spec);
      const targets = [...row.test_patch.matchAll(/^diff --git a\/\S+ b\/(\S+)$/gm)].map((m) => m[1] ?? '');
      const testFiles = targets.filter((t) => !/(\.json|\.png|csv|\.txt|\.md|\.jpg|\.jpeg|\.pkl|\.yml|\.yaml|\.toml)$/.test(t));
      const directives =
        row.repo === 'django/django'
          ? testFiles.map((t) => t.replace(/\.py$/, '').replace(/^tests\//, '').replaceAll('/', '.'))
          : testFiles;
      if (directives.length === 0) withoutDirectives.push(row.instance_id);
      expect(script, row.instance_id).toContain(`\n${[spec.testCmd, ...directives].join(' ')}\n`);
      expect(script, row.instance_id).toContain(`\n${row.test_patch}\nEOF_114329324912\n`);
      expect(script, row.instance_id).not.toMatch(new RegExp(`^git checkout ${row.base_commit}$`, 'm'));
    }
    // Its test patch only edits .txt data files, so (officially too) the whole django suite runs.
    expect(withoutDirectives).toEqual(['django__django-10097']);
  });

  it('removes instead of checking out the new files of test patches that only add files (#518)', () => {
    const onlyAdds = rows.filter((r) => !makeEvalScript(r, findTestSpec(r.repo, r.version)).includes(`git checkout ${r.base_commit}`));
    expect(onlyAdds.map((r) => r.instance_id).sort()).toEqual([
      'django__django-16877',
      'sphinx-doc__sphinx-8595',
      'sphinx-doc__sphinx-9711',
    ]);
  });

  it('has FAIL_TO_PASS and PASS_TO_PASS names its parser can produce, in the expected shapes', () => {
    const unproducible: string[] = [];
    const offShape: string[] = [];
    let docstrings = 0;
    for (const row of rows) {
      const spec = findTestSpec(row.repo, row.version);
      for (const name of testNames(row)) {
        if (!PRODUCIBLE[spec.parser](name)) unproducible.push(`${row.instance_id} ${name}`);
        if (spec.parser === 'parse_log_django') {
          if (!DJANGO_ID.test(name)) docstrings++;
        } else if (spec.parser === 'parse_log_sympy') {
          if (!/^test_\w+$/.test(name)) offShape.push(`${row.instance_id} ${name}`);
        } else if (!PYTEST_NODE_ID.test(name)) {
          offShape.push(`${row.instance_id} ${name}`);
        }
      }
    }
    expect(unproducible).toEqual([]);
    expect(offShape).toEqual(KNOWN_NON_NODE_IDS);
    // django names that are docstring first lines rather than `test_x (module.Class)` ids
    expect(docstrings).toBeGreaterThan(1000);
  });

  it('resolves every instance from a synthetic log that passes all its tests in the repo format', () => {
    const notResolved: string[] = [];
    for (const row of rows) {
      const parser = findTestSpec(row.repo, row.version).parser;
      const log = evalLog(testNames(row).map((name) => passingLine(parser, name)).join('\n'));
      const grade = gradeLog(log, planFor(row));
      if (grade.resolution !== 'RESOLVED_FULL') notResolved.push(`${row.instance_id}: ${grade.resolution} ${grade.problem ?? ''}`);
    }
    expect(notResolved).toEqual([]);
  });

  it('matches the 676 ids that Verified stores cut at a space (#290/#617) from their full log lines', () => {
    let truncated = 0;
    for (const row of rows) {
      const parser = findTestSpec(row.repo, row.version).parser;
      const fullLine = (name: string) => {
        const open = (name.match(/\[/g) ?? []).length - (name.match(/\]/g) ?? []).length;
        if (open <= 0) return passingLine(parser, name);
        truncated++;
        return passingLine(parser, `${name} with spaces]`);
      };
      const grade = gradeLog(evalLog(testNames(row).map(fullLine).join('\n')), planFor(row));
      expect(grade.resolution, row.instance_id).toBe('RESOLVED_FULL');
    }
    expect(truncated).toBe(676);
  });

  it('does not resolve an instance whose first FAIL_TO_PASS test fails in that format', () => {
    for (const row of rows.filter((_, i) => i % 25 === 0)) {
      const parser = findTestSpec(row.repo, row.version).parser;
      const [first, ...rest] = row.FAIL_TO_PASS;
      const failing =
        parser === 'parse_log_django' ? `${first} ... FAIL` : parser === 'parse_log_sympy' ? `${first} F` : `FAILED ${first} - boom`;
      const lines = [failing, ...[...rest, ...row.PASS_TO_PASS].map((n) => passingLine(parser, n))];
      const grade = gradeLog(evalLog(lines.join('\n'), 1), planFor(row));
      expect(grade.resolution, row.instance_id).not.toBe('RESOLVED_FULL');
      expect(grade.tests_status.FAIL_TO_PASS.failure, row.instance_id).toContain(first);
    }
  });
});
