/**
 * What SWE-agent does in the shell before step 1 (sweagent/environment/swe_env.py `_reset_repository`,
 * `set_env_variables`; tools `_state_diff_state`): reset the repository to the instance's base commit,
 * export ROOT and PROBLEM_STATEMENT, and stage the tree as the diff_state tool does after every action.
 * All of it is one command joined by `&&` in the persistent shell, as `_reset_repository` sends its
 * commands in one `communicate` (swe_env.py:155-167 at a593220): one round trip instead of nine.
 */
import type { Environment } from '../../environment/environment.js';
import { InfrastructureError } from '../../errors.js';
import { WORKING_DIR } from './sera-templates.js';

/** For the whole setup, as upstream's one `communicate` (swe_env.py `_reset_repository`, timeout=120). */
const STARTUP_TIMEOUT_S = 120;
/** The staging half of the diff_state tool (`git add -A`; its diff output is not used before step 1). */
const STAGE_TREE = 'git add -A';

/** Python's shlex.quote. */
function shellQuote(value: string): string {
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
  const command = [...startupCommands(baseCommit, problemStatement), STAGE_TREE].join(' && ');
  const result = await env.run(command, { timeoutS: STARTUP_TIMEOUT_S, signal });
  if (result.exitCode !== 0 || result.timedOut) {
    const what = result.timedOut ? `timed out after ${STARTUP_TIMEOUT_S} s` : `failed (exit ${result.exitCode})`;
    throw new InfrastructureError('repository_setup_failed', `repository setup \`${command.slice(0, 300)}\` ${what}: ${result.output.slice(-2000)}`);
  }
}
