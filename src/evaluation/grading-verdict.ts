import type { Resolution } from '../run-dir/schemas.js';

/** Where grading stopped when it could not give a verdict. */
export type GradingErrorStage = 'patch_apply' | 'tests' | 'log';

/**
 * The result of grading one patch. `error` is the official "error" category (no verdict:
 * unknown spec, patch did not apply, tests timed out, log unusable). Infrastructure failures are
 * not verdicts: they are thrown (EnvironmentUnavailableError) for the pipeline to retry.
 */
export type GradingVerdict =
  | { kind: 'resolved'; resolution: 'RESOLVED_FULL' }
  | { kind: 'unresolved'; resolution: Exclude<Resolution, 'RESOLVED_FULL'> }
  | { kind: 'empty_patch' }
  | { kind: 'error'; stage: GradingErrorStage; code: string; message: string };
