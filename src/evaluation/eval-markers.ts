/**
 * What an eval script and the grader agree on, whichever benchmark wrote the script: where the
 * repository is, the markers around the test output, and the line with the test command's exit code.
 */
export const REPO_DIRECTORY = '/testbed';
export const START_TEST_OUTPUT = '>>>>> Start Test Output';
export const END_TEST_OUTPUT = '>>>>> End Test Output';
/** Printed by eval.sh after the end marker (SWE-bench v5), so grading can check the runner's exit status. */
export const TEST_EXIT_CODE_PREFIX = '>>>>> Test Exit Code: ';
