import type { CellError, InstanceReportEntry, Outcome } from '../run-dir/schemas.js';
import type { GradingRun } from './grade-in-environment.js';
import type { GradingVerdict } from './grading-verdict.js';

/** What the pipeline knows about a cell beyond the grading run itself. */
export interface ReportCellInfo {
  /** The prediction's patch: null is the official `patch_is_None`. */
  modelPatch: string | null;
  modelNameOrPath: string;
  context: string;
  seed: string;
  inputSha256: string;
  image: string | null;
  totalS: number;
  attempts: number;
  finishedAt: Date;
}

/** A grading verdict, or the infrastructure failure the pipeline records in its place through the same entry. */
export type CellResult = GradingVerdict | { kind: 'infrastructure'; stage: string; code: string; message: string };

type GradingFacts = Pick<GradingRun, 'testExitCode' | 'tests_s' | 'grade' | 'shippedEvalScript'>;
const NO_GRADING: GradingFacts = { testExitCode: null, tests_s: null, grade: null, shippedEvalScript: null };

/**
 * One `report.json` entry: the official fields (patch_is_None, patch_exists,
 * patch_successfully_applied — officially "the test log was found and clean" — resolved, and
 * tests_status when the log was usable) plus the `sera_eval` block.
 */
export function makeInstanceReportEntry(
  verdict: CellResult,
  run: GradingFacts | null,
  info: ReportCellInfo,
): InstanceReportEntry {
  const facts = run ?? NO_GRADING;
  const graded = verdict.kind === 'resolved' || verdict.kind === 'unresolved';
  const error: CellError | null =
    verdict.kind === 'error' || verdict.kind === 'infrastructure'
      ? { stage: verdict.stage, code: verdict.code, message: verdict.message }
      : null;
  const outcome: Outcome = verdict.kind;
  return {
    patch_is_None: info.modelPatch === null,
    patch_exists: info.modelPatch !== null,
    patch_successfully_applied: graded,
    resolved: verdict.kind === 'resolved',
    ...(graded && facts.grade ? { tests_status: facts.grade.tests_status } : {}),
    sera_eval: {
      outcome,
      resolution: graded ? verdict.resolution : null,
      error,
      input_sha256: info.inputSha256,
      image: info.image,
      model_name_or_path: info.modelNameOrPath,
      context: info.context,
      seed: info.seed,
      test_exit_code: facts.testExitCode,
      skipped: graded && facts.grade ? facts.grade.skipped : { FAIL_TO_PASS: [], PASS_TO_PASS: [] },
      timings: { total_s: info.totalS, tests_s: facts.tests_s },
      attempts: info.attempts,
      finished_at: info.finishedAt.toISOString(),
      ...(facts.shippedEvalScript === null ? {} : { shipped_eval_script: facts.shippedEvalScript }),
    },
  };
}
