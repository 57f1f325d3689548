import { createHash } from 'node:crypto';
import type { GradingPlan } from './grading-plan.js';

/**
 * Bumped whenever a change here can change a verdict for the same inputs (parsers, grading rules,
 * eval script), so resumed runs re-grade instead of trusting old reports.
 */
export const GRADER_VERSION = 'sera-eval-grader/2';

/**
 * sha256 over everything that decides a cell's verdict: the patch, the eval script (test patch,
 * directives, spec, or the row's own) and log parser, the FAIL_TO_PASS/PASS_TO_PASS lists, the
 * image and the grader version. The `input_sha256` of report.json.
 */
export function gradingInputSha256(args: {
  plan: Pick<GradingPlan, 'evalScript' | 'parser' | 'failToPass' | 'passToPass'>;
  patch: string | null;
  image: string | null;
}): string {
  const { plan } = args;
  const parts = [
    GRADER_VERSION,
    args.image ?? '',
    args.patch === null ? '\u0000null' : args.patch,
    `${plan.parser}\n${plan.evalScript}`,
    JSON.stringify(plan.failToPass),
    JSON.stringify(plan.passToPass),
  ];
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:${part}`);
  return hash.digest('hex');
}
