/**
 * What SWE-agent does in the shell before step 1 (sweagent/environment/swe_env.py `_reset_repository`,
 * `set_env_variables`; tools `_state_diff_state`): reset the repository to the instance's base commit,
 * export ROOT and PROBLEM_STATEMENT, and stage the tree as the diff_state tool does after every action.
 */
import type { Environment } from '../environment/environment.js';
import { InfrastructureError } from '../errors.js';
import { WORKING_DIR } from './sera-templates.js';

const STARTUP_TIMEOUT_S = 120;

/** Python's shlex.quote. */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

export function startupCommands(baseCommit: string, problemStatement: string): string[] {
  return [
    `cd ${WORKING_DIR}`,
    'export ROOT=$(pwd -P)',
    'git status',
    'git restore .',
    'git reset --hard',
    `git checkout ${shellQuote(baseCommit)}`,
    'git clean -fdq',
    `export PROBLEM_STATEMENT=${shellQuote(problemStatement)}`,
  ];
}

/** @throws InfrastructureError when a command fails: the image, not the model, is at fault. */
export async function prepareRepository(
  env: Environment,
  baseCommit: string,
  problemStatement: string,
  signal?: AbortSignal,
): Promise<void> {
  for (const command of startupCommands(baseCommit, problemStatement)) {
    const result = await env.run(command, { timeoutS: STARTUP_TIMEOUT_S, signal });
    if (result.exitCode !== 0 || result.timedOut) {
      throw new InfrastructureError('repository_setup_failed', `\`${command}\` failed (exit ${result.exitCode}): ${result.output.slice(-2000)}`);
    }
  }
  await env.diff();
}
