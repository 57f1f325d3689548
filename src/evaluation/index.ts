export { findTestSpec, SWE_BENCH_REPOS, UnknownTestSpecError } from './specs/find-test-spec.js';
export { LOG_PARSER_NAMES, type LogParserName, type TestSpec } from './specs/test-spec.js';
export { testDirectives, NON_TEST_EXTS } from './test-directives.js';
export { testPatchFiles, type TestPatchFiles } from './test-patch-files.js';
export {
  makeEvalScript,
  testCommand,
  START_TEST_OUTPUT,
  END_TEST_OUTPUT,
  TEST_EXIT_CODE_PREFIX,
  REPO_DIRECTORY,
} from './eval-script.js';
export { APPLY_COMMANDS, PATCH_PATH, RESET_TREE, applyAttemptScript } from './apply-chain.js';
export { LOG_PARSERS, type LogParser, type StatusMap } from './log-parsers/index.js';
export { gradeLog, type LogGrade } from './grade-log.js';
export { testsReport, resolutionStatus } from './tests-report.js';
export type { GradingVerdict, GradingErrorStage } from './grading-verdict.js';
export {
  gradeInEnvironment,
  EVAL_SCRIPT_PATH,
  type GradingRun,
  type GradeInEnvironmentArgs,
} from './grade-in-environment.js';
export { makeInstanceReportEntry, type CellResult, type ReportCellInfo } from './instance-report.js';
export { gradingInputSha256, GRADER_VERSION } from './grading-input-hash.js';
export { gradingPlanFromSpec, type GradingPlan } from './grading-plan.js';
