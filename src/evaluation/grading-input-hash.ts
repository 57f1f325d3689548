import { createHash } from 'node:crypto';
import type { SweBenchInstance } from '../dataset/schema.js';
import type { GradingPlan } from './grading-plan.js';
import { repairedTestLists } from './specs/instance-repairs.js';

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
  instance: Pick<SweBenchInstance, 'instance_id' | 'FAIL_TO_PASS' | 'PASS_TO_PASS'>;
  plan: Pick<GradingPlan, 'evalScript' | 'parser'>;
  patch: string | null;
  image: string | null;
}): string {
  const { instance, plan } = args;
  const lists = repairedTestLists(instance);
  const parts = [
    GRADER_VERSION,
    args.image ?? '',
    args.patch === null ? '\u0000null' : args.patch,
    `${plan.parser}\n${plan.evalScript}`,
    JSON.stringify(lists.FAIL_TO_PASS),
    JSON.stringify(lists.PASS_TO_PASS),
  ];
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:${part}`);
  return hash.digest('hex');
}
