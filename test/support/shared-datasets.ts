/**
 * SWE-bench Verified and Lite as the workplace provides them: the directory named by
 * SERA_EVAL_SHARED_DATASETS, else ../shared/datasets beside the repository. Read by tests and
 * benchmarks, never copied into the project.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the shared datasets are looked for, and how that place was chosen. */
export function sharedDatasetsDir(): { dir: string; from: string } {
  const fromEnv = process.env.SERA_EVAL_SHARED_DATASETS;
  if (fromEnv) return { dir: path.resolve(fromEnv), from: 'SERA_EVAL_SHARED_DATASETS' };
  return { dir: path.resolve(REPO_ROOT, '..', 'shared', 'datasets'), from: 'the default ../shared/datasets beside the repository' };
}

export const VERIFIED_JSONL = path.join(sharedDatasetsDir().dir, 'swe-bench-verified.jsonl');
export const LITE_JSONL = path.join(sharedDatasetsDir().dir, 'swe-bench-lite.jsonl');

/** The path, after checking it is there, so a missing file says where it was looked for and how to point elsewhere. */
function required(file: string): string {
  if (!existsSync(file)) {
    const { from } = sharedDatasetsDir();
    throw new Error(`${path.basename(file)} is expected at ${file} (from ${from}); set SERA_EVAL_SHARED_DATASETS to the directory holding it`);
  }
  return file;
}

export function verifiedJsonl(): string {
  return required(VERIFIED_JSONL);
}

export function liteJsonl(): string {
  return required(LITE_JSONL);
}
