import type { Resolution, TestsStatus } from '../run-dir/schemas.js';
import { END_TEST_OUTPUT, START_TEST_OUTPUT, TEST_EXIT_CODE_PREFIX } from './eval-markers.js';
import { resolutionStatus, testsReport } from './tests-report.js';
import { universalNewlines } from '../universal-newlines.js';

/** Strings whose presence makes the official get_logs_eval reject a log. */
const BAD_CODES = ['>>>>> Patch Apply Failed', '>>>>> Reset Failed', '>>>>> Tests Errored', '>>>>> Tests Timed Out'];

/** Lines a test runner prints once it has run the suite, even with zero tests (the v5 SUITE_RAN idea). */
const SUITE_RAN = [
  /^=+ .*\b(passed|failed|errors?|skipped|xfailed|xpassed|deselected|no tests ran)\b.* in [\d.]+ ?s/m, // pytest
  /^Ran \d+ tests? in /m, // unittest, django runtests
  /tests finished: /, // sympy bin/test
];
// eslint-disable-next-line no-control-regex
const COLOUR_CODES = /\x1b\[[\d;]*m/g;

export interface LogGrade {
  /** False when the log cannot support a verdict; `problem` says why and the cell is an error. */
  logUsable: boolean;
  problem?: string;
  statusMap: StatusMap;
  tests_status: TestsStatus;
  /** FAIL_TO_PASS / PASS_TO_PASS tests the log reports as skipped. */
  skipped: { FAIL_TO_PASS: string[]; PASS_TO_PASS: string[] };
  /** `null` when the log is unusable. */
  resolution: Resolution | null;
  /** From `>>>>> Test Exit Code: N`, when eval.sh printed it. */
  testExitCode: number | null;
}

import type { GradingPlan, StatusMap } from './grading-plan.js';

type Gradable = Pick<GradingPlan, 'parseLog' | 'failToPass' | 'passToPass'>;

/**
 * Grades a test log like SWE-bench's get_logs_eval + get_eval_report, with later fixes: skipped
 * FAIL_TO_PASS tests fail, missing tests fail, and a log is unusable (an error, never a verdict)
 * when its markers are missing, when the test command exited non-zero yet no test is FAILED or
 * ERROR, or when no test status was found and nothing shows the suite ran. The log is read as the
 * official grader reads test_output.txt back (universal newlines) before anything else.
 * FAIL_TO_PASS/PASS_TO_PASS carry SWE-bench 5.x's label corrections (specs/instance-repairs.ts).
 * @param parse the instance's log parser (its grading plan's).
 */
export function gradeLog(rawLog: string, plan: Gradable): LogGrade {
  const parse = plan.parseLog;
  const log = universalNewlines(rawLog);
  const testExitCode = readExitCode(log);
  const unusable = (problem: string, statusMap: StatusMap = new Map()): LogGrade => ({
    logUsable: false,
    problem,
    statusMap,
    tests_status: testsReport(new Map(), [], []),
    skipped: { FAIL_TO_PASS: [], PASS_TO_PASS: [] },
    resolution: null,
    testExitCode,
  });

  const badCode = BAD_CODES.find((code) => log.includes(code));
  if (badCode !== undefined) return unusable(`the log contains "${badCode}"`);
  if (!log.includes(START_TEST_OUTPUT) || !log.includes(END_TEST_OUTPUT)) {
    return unusable('the log lacks the start/end test output markers: the tests did not run to completion');
  }
  // Python's content.split(START)[1].split(END)[0]: up to the next start or end marker.
  const testOutput = (log.split(START_TEST_OUTPUT)[1] ?? '').split(END_TEST_OUTPUT)[0] ?? '';
  let statusMap = parse(testOutput);
  // Output can land outside the markers (stderr interleaving, #402); the official grader then parses it all.
  if (statusMap.size === 0) statusMap = parse(log);

  const anyFailure = [...statusMap.values()].some((s) => s === 'FAILED' || s === 'ERROR');
  if (testExitCode !== null && testExitCode !== 0 && !anyFailure) {
    return unusable(`the test command exited ${testExitCode} but the log reports no FAILED or ERROR test`, statusMap);
  }
  const plainLog = log.replace(COLOUR_CODES, '');
  if (statusMap.size === 0 && !SUITE_RAN.some((pattern) => pattern.test(plainLog))) {
    return unusable('no test results in the log and no sign that the test suite ran');
  }

  const tests_status = testsReport(statusMap, plan.failToPass, plan.passToPass);
  const isSkipped = (name: string): boolean => statusMap.get(name) === 'SKIPPED';
  return {
    logUsable: true,
    statusMap,
    tests_status,
    skipped: {
      FAIL_TO_PASS: plan.failToPass.filter(isSkipped),
      PASS_TO_PASS: plan.passToPass.filter(isSkipped),
    },
    resolution: resolutionStatus(tests_status),
    testExitCode,
  };
}

/**
 * The last `>>>>> Test Exit Code: N` line of the log (readTestExitCode for a raw log). eval.sh prints the real one after the tests
 * finish, so a line the tests print cannot come after it; searching the whole log (not just after
 * the end marker) keeps this right when stdout and stderr (xtrace markers) arrive unordered.
 */
export function readTestExitCode(rawLog: string): number | null {
  return readExitCode(universalNewlines(rawLog));
}

function readExitCode(log: string): number | null {
  const matches = [...log.matchAll(new RegExp(`^${TEST_EXIT_CODE_PREFIX}(\\d+)$`, 'gm'))];
  const last = matches.at(-1);
  return last === undefined ? null : Number(last[1]);
}
