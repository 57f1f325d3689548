import { checkPathId } from '../run-dir/path-id.js';

/** Run ids name containers and directories (SWE-bench #443): the one id rule of run-dir/path-id.ts. */
export function validateRunId(runId: string): string {
  return checkPathId(runId, '--run-id');
}

export function defaultRunId(prefix: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${prefix}-${stamp}`;
}
