import { InputError } from '../errors.js';

/** Run ids name containers and directories, so they must be valid Docker names (SWE-bench #443). */
export function validateRunId(runId: string): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(runId)) {
    throw new InputError(`--run-id: "${runId}" is not usable; expected letters, digits, '_', '.', '-' (it names containers and folders)`);
  }
  return runId;
}

export function defaultRunId(prefix: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${prefix}-${stamp}`;
}
