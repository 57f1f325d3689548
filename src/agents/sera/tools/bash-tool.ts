/**
 * The `bash` tool: SWE-agent's blocklist (sweagent/tools/tools.py ToolFilterConfig), SWE-ReX's `bash -n`
 * pre-check (swerex/runtime/local.py `_check_bash_command`) and the persistent shell.
 */
import type { Environment } from '../../../environment/environment.js';

const BLOCKLIST = ['vim', 'vi', 'emacs', 'nano', 'nohup', 'gdb', 'less', 'tail -f', 'python -m venv', 'make'];
const BLOCKLIST_STANDALONE = [
  'python', 'python3', 'ipython', 'bash', 'sh', '/bin/bash', '/bin/sh', 'nohup', 'vi', 'vim', 'emacs', 'nano', 'su',
];
const BLOCK_UNLESS_REGEX: Record<string, RegExp> = {
  radare2: /\b(?:radare2)\b.*\s+-c\s+.*/,
  r2: /\b(?:radare2)\b.*\s+-c\s+.*/,
};

/**
 * `should_block_action` (sweagent/tools/tools.py 358 at SERA-SWE-agent a593220):
 * `any(action.startswith(f) for f in blocklist)`, so every command that starts with an entry is refused
 * (`make test`, `vim x.py`, `less f`, `tail -f log`, and `video.sh`, which starts with `vi`), while a
 * prefix of an entry (`ma`) runs.
 */
export function shouldBlockAction(rawAction: string): boolean {
  const action = rawAction.trim();
  if (!action) return false;
  if (BLOCKLIST.some((entry) => action.startsWith(entry))) return true;
  if (BLOCKLIST_STANDALONE.includes(action)) return true;
  const name = action.split(/\s+/)[0] as string;
  const unless = BLOCK_UNLESS_REGEX[name];
  return unless !== undefined && !unless.test(action);
}

const HEREDOC_END = 'SOUNIQUEEOF';

/**
 * `bash -n` over a quoted heredoc, run as a fresh process in the environment. Returns the output when
 * the syntax is bad. The environment merges stdout and stderr; `bash -n` writes only to stderr.
 */
export async function bashSyntaxErrors(env: Environment, command: string): Promise<{ stdout: string; stderr: string } | undefined> {
  const script = `/usr/bin/env bash -n << '${HEREDOC_END}'\n${command}\n${HEREDOC_END}`;
  // The check does not depend on the directory; '/' keeps it working after the model deleted /testbed.
  const result = await env.exec(['/bin/sh', '-c', script], { cwd: '/', timeoutS: 60 });
  if (result.exitCode === 0) return undefined;
  return { stdout: '', stderr: result.output };
}

export interface BashRun {
  output: string;
  timedOut: boolean;
}

export async function runBash(env: Environment, command: string, timeoutS: number, signal?: AbortSignal): Promise<BashRun> {
  const result = await env.run(command, { timeoutS, signal });
  return { output: result.output, timedOut: result.timedOut };
}
