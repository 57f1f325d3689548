/**
 * `/root/model.patch` as SWE-agent keeps it: after every action the diff_state tool
 * (tools/diff_state/bin/_state_diff_state) and the submit script (tools/review_on_submit_m/bin/submit) run
 * `git add -A && git diff --cached > /root/model.patch` in the repository and ignore its failure, then read
 * the file with Python's `Path.read_text(errors="backslashreplace")`; `handle_submission` reads it the same
 * way (encoding utf-8, errors backslashreplace, agents.py 887). So what the model and the grader see is the
 * patch decoded as UTF-8 with an invalid byte written `\xe9`, and with universal newlines (CRLF and a lone
 * CR become LF); and when the command fails the file keeps the patch last written.
 *
 * The patch travels base64-encoded out of the container because `Environment.exec` decodes output with
 * U+FFFD for invalid bytes; nothing is written to the container's /root.
 */
import { decodeBackslashReplace } from '../../../environment/backslash-replace.js';
import type { Environment } from '../../../environment/environment.js';
import { WORKING_DIR } from '../sera-templates.js';

// `cd` inside the command, so a /testbed the model deleted is a failed command, not a failed exec.
const PATCH_COMMAND = `set -o pipefail; cd ${WORKING_DIR} 2>/dev/null && { git add -A && git diff --cached; } 2>/dev/null | base64 -w0`;
const PATCH_TIMEOUT_S = 300;

/** Python's text-mode read: `bytes.decode('utf-8', 'backslashreplace')` with universal newlines. */
export function decodeAsPythonText(bytes: Uint8Array): string {
  return decodeBackslashReplace(bytes).replace(/\r\n?/g, '\n');
}

export class ModelPatchFile {
  private content = '';

  /** What the file holds now: the patch last taken successfully ('' before the first). */
  get last(): string {
    return this.content;
  }

  /**
   * Stage everything and take the patch; when git fails (the repository was broken by the model) the
   * previous content stays, as the shell redirect after a failed `&&` never truncates the file.
   * @throws EnvironmentUnavailableError when the environment cannot run the command at all.
   */
  async refresh(env: Environment): Promise<string> {
    const result = await env.exec(['bash', '-c', PATCH_COMMAND], {
      cwd: '/',
      timeoutS: PATCH_TIMEOUT_S,
      maxOutputBytes: Number.MAX_SAFE_INTEGER,
    });
    if (result.exitCode === 0 && !result.timedOut) this.content = decodeAsPythonText(Buffer.from(result.output.trim(), 'base64'));
    return this.content;
  }
}
