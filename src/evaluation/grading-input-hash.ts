import { createHash } from 'node:crypto';
import type { SweBenchInstance } from '../dataset/schema.js';
import { makeEvalScript } from './eval-script.js';
import { findTestSpec } from './specs/find-test-spec.js';

/**
 * Bumped whenever a change here can change a verdict for the same inputs (parsers, grading rules,
 * eval script), so resumed runs re-grade instead of trusting old reports.
 */
export const GRADER_VERSION = 'sera-eval-grader/2';

/**
 * sha256 over everything that decides a cell's verdict: the patch, the eval script (test patch,
 * directives, spec), the FAIL_TO_PASS/PASS_TO_PASS lists, the image and the grader version.
 * The `input_sha256` of report.json; an instance without a spec hashes its repo and version instead.
 */
export function gradingInputSha256(args: {
  instance: SweBenchInstance;
  patch: string | null;
  image: string | null;
}): string {
  const { instance } = args;
  let evalScript: string;
  try {
    evalScript = makeEvalScript(instance, findTestSpec(instance.repo, instance.version));
  } catch {
    evalScript = `no spec: ${instance.repo} ${instance.version}`;
  }
  const parts = [
    GRADER_VERSION,
    args.image ?? '',
    args.patch === null ? '\u0000null' : args.patch,
    evalScript,
    JSON.stringify(instance.FAIL_TO_PASS),
    JSON.stringify(instance.PASS_TO_PASS),
  ];
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:${part}`);
  return hash.digest('hex');
}
