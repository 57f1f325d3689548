/**
 * SWE-bench 5.x datasets carry their own `eval_script`, `log_parser` and `image` columns, and its
 * harness grades with them instead of building eval.sh from repo specs (swebench/harness/utils.py
 * make_test_spec at v5.0.2, 490635b). A row with those columns is graded the same way here.
 */
import type { ShippedParserName, SweBenchInstance } from '../../dataset/schema.js';
import { END_TEST_OUTPUT, TEST_EXIT_CODE_PREFIX } from '../../evaluation/eval-markers.js';
import { EXIT_CODE_VARIABLE, makeEvalScript } from './eval-script.js';
import type { GradingPlan } from '../../evaluation/grading-plan.js';
import { LOG_PARSERS } from './log-parsers/index.js';
import { findTestSpec } from './specs/find-test-spec.js';
import { repairedTestLists } from './specs/instance-repairs.js';
import type { LogParserName } from './specs/test-spec.js';

/** PARSER_REGISTRY's Python names (log_parsers/python.py), each an alias of one parser here. */
const SHIPPED_LOG_PARSERS: Readonly<Record<ShippedParserName, LogParserName>> = {
  parse_log_pytest: 'parse_log_pytest',
  parse_log_pytest_options: 'parse_log_pytest_options',
  parse_log_django: 'parse_log_django',
  parse_log_pytest_v2: 'parse_log_pytest_v2',
  parse_log_seaborn: 'parse_log_seaborn',
  parse_log_sympy: 'parse_log_sympy',
  parse_log_matplotlib: 'parse_log_matplotlib',
  parse_log_astroid: 'parse_log_pytest',
  parse_log_flask: 'parse_log_pytest',
  parse_log_marshmallow: 'parse_log_pytest',
  parse_log_pvlib: 'parse_log_pytest',
  parse_log_pyvista: 'parse_log_pytest',
  parse_log_sqlfluff: 'parse_log_pytest',
  parse_log_xarray: 'parse_log_pytest',
  parse_log_pydicom: 'parse_log_pytest_options',
  parse_log_requests: 'parse_log_pytest_options',
  parse_log_pylint: 'parse_log_pytest_options',
  parse_log_astropy: 'parse_log_pytest_v2',
  parse_log_scikit: 'parse_log_pytest_v2',
  parse_log_sphinx: 'parse_log_pytest_v2',
};

const HEADER = ['#!/bin/bash', 'set -uxo pipefail'];

/**
 * The script the 5.x harness runs for a shipped eval_script: parse_eval_script drops the header
 * lines, record_test_exit_code captures `$?` before the first end-marker line and echoes it after,
 * and TestSpec.eval_script puts the header back (utils.py, types.py).
 */
export function officialEvalScript(shipped: string): string {
  const lines = shipped.trim().split('\n').filter((line) => !HEADER.includes(line));
  const end = lines.findIndex((line) => line.includes(END_TEST_OUTPUT));
  const recorded =
    end === -1
      ? lines
      : [...lines.slice(0, end), `${EXIT_CODE_VARIABLE}=$?`, lines[end]!, `echo "${TEST_EXIT_CODE_PREFIX}$${EXIT_CODE_VARIABLE}"`, ...lines.slice(end + 1)];
  return `${[...HEADER, ...recorded].join('\n')}\n`;
}

type Plannable = Pick<
  SweBenchInstance,
  'instance_id' | 'repo' | 'version' | 'base_commit' | 'test_patch' | 'eval_script' | 'log_parser' | 'FAIL_TO_PASS' | 'PASS_TO_PASS'
>;

/**
 * The eval script and log parser for an instance: the row's own (5.x columns) when it has them,
 * else built from the repo specs.
 * @throws UnknownTestSpecError when the row ships neither and no spec covers its repo and version.
 */
export function gradingPlan(instance: Plannable): GradingPlan {
  if (instance.eval_script === undefined) {
    const spec = findTestSpec(instance.repo, instance.version);
    const parser = parserFor(instance);
    return { evalScript: makeEvalScript(instance, spec), parser, parseLog: LOG_PARSERS[parser], ...repairedLists(instance), shippedEvalScript: null };
  }
  const evalScript = officialEvalScript(instance.eval_script);
  let ours: string | null = null;
  try {
    ours = makeEvalScript(instance, findTestSpec(instance.repo, instance.version));
  } catch {
    // no spec: sera-eval would build no script, so the shipped one differs
  }
  const parser = parserFor(instance);
  return { evalScript, parser, parseLog: LOG_PARSERS[parser], ...repairedLists(instance), shippedEvalScript: ours === evalScript ? 'same' : 'differs' };
}

/** FAIL_TO_PASS/PASS_TO_PASS with SWE-bench 5.x's label corrections (specs/instance-repairs.ts). */
function repairedLists(instance: Pick<SweBenchInstance, 'instance_id' | 'FAIL_TO_PASS' | 'PASS_TO_PASS'>): Pick<GradingPlan, 'failToPass' | 'passToPass'> {
  const lists = repairedTestLists(instance);
  return { failToPass: lists.FAIL_TO_PASS, passToPass: lists.PASS_TO_PASS };
}

/** The row's own log_parser (5.x) when it has one, else its repo's. @throws UnknownTestSpecError */
function parserFor(instance: Pick<SweBenchInstance, 'repo' | 'version' | 'log_parser'>): LogParserName {
  return instance.log_parser === undefined ? findTestSpec(instance.repo, instance.version).parser : SHIPPED_LOG_PARSERS[instance.log_parser];
}
