/**
 * SWE-bench Verified as the workplace provides it: ../shared/datasets beside the repository, read
 * by tests and benchmarks, never copied into the project.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const VERIFIED_JSONL = path.resolve(REPO_ROOT, '..', 'shared', 'datasets', 'swe-bench-verified.jsonl');

/** The path, after checking it is there, so a missing checkout beside the repo says so plainly. */
export function verifiedJsonl(): string {
  if (!existsSync(VERIFIED_JSONL)) {
    throw new Error(`SWE-bench Verified is expected at ${VERIFIED_JSONL} (shared/datasets beside the repository); tests read it from there`);
  }
  return VERIFIED_JSONL;
}
