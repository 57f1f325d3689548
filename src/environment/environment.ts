/**
 * The place an agent acts and a patch is graded: a container in production, a temp directory or
 * a scripted fake in unit tests. Modelled on inspect_ai's sandbox interface: a command that ran
 * and failed is data (a non-zero exit code); an environment that could not run it throws
 * EnvironmentUnavailableError, which the pipeline counts as infrastructure.
 */
import { InfrastructureError } from '../errors.js';

export interface RunOptions {
  /** Seconds before the command's process group is interrupted. @default 300 */
  timeoutS?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  /**
   * stdout and stderr merged. `run` decodes UTF-8 with each invalid byte written `\xNN`, as SWE-ReX's
   * shell showed SERA; `exec` (grading logs) replaces invalid bytes with U+FFFD, as SWE-bench does.
   */
  output: string;
  /** The command's exit status; 130 or similar after an interrupt. */
  exitCode: number;
  /** True when the timeout interrupted the command. */
  timedOut: boolean;
  /**
   * True when the shell could not be recovered after a timeout and a fresh one replaced it:
   * the working directory and exported variables are back to their start values.
   */
  shellRestarted?: boolean;
}

export interface ExecOptions {
  /** Seconds before the whole process tree is killed (enforced inside the container). */
  timeoutS?: number;
  /** Keep at most this many bytes of output: the head and the tail, with a note of what was cut. */
  maxOutputBytes?: number;
  /** Working directory. @default '/testbed' */
  cwd?: string;
  env?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Check after the command whether the out-of-memory killer ended any of its processes and say so
   * in `outOfMemory` instead of throwing: grading needs it for eval.sh, whose own exit status is
   * the final reset's, not the killed test runner's.
   */
  detectOutOfMemory?: boolean;
}

/** The kernel killed a process for memory; `limitBytes` is the environment's limit (null: none set). */
export interface OutOfMemory {
  limitBytes: number | null;
}

export interface ExecResult extends RunResult {
  /** Bytes the process wrote in total, before capping. */
  outputBytes: number;
  /** True when output was cut to maxOutputBytes. */
  truncated: boolean;
  /** Set only when `detectOutOfMemory` was asked and a process of the command was killed for memory. */
  outOfMemory?: OutOfMemory;
}

export interface Environment {
  /**
   * Run a command in the persistent shell: `cd` and exported variables carry over between calls.
   * On timeout the command's process group is interrupted and the shell recovers (or is replaced).
   * @throws EnvironmentUnavailableError when the shell or the container is gone.
   */
  run(command: string, options?: RunOptions): Promise<RunResult>;
  /**
   * Run one fresh process (argv, no shell state), used by grading for `bash /eval.sh`.
   * @throws EnvironmentUnavailableError when the container is gone.
   */
  exec(argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /** @throws EnvironmentUnavailableError; a missing file throws FileNotFoundError. */
  readFile(path: string): Promise<Buffer>;
  /** Creates parent directories. @throws EnvironmentUnavailableError */
  writeFile(path: string, content: string | Buffer): Promise<void>;
  /** `git add -A && git diff --cached` in the repository root: the patch as SWE-agent submits it. */
  diff(): Promise<string>;
  /** Remove the environment. Safe to call twice. */
  close(): Promise<void>;
}

export class EnvironmentUnavailableError extends InfrastructureError {
  /** `code` is 'oom' when the kernel's out-of-memory killer ended the command or the container. */
  constructor(message: string, options?: { cause?: unknown; code?: 'environment_unavailable' | 'oom' }) {
    super(options?.code ?? 'environment_unavailable', message, options);
  }
}

/** "out of memory at 8 GiB": how a memory kill is named everywhere it is reported. */
export function outOfMemoryMessage(limitBytes: number | null): string {
  return `out of memory at ${limitBytes === null ? "the host's memory (no limit set)" : formatBytes(limitBytes)}`;
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && Number.isInteger(value / 1024)) {
    value /= 1024;
    unit += 1;
  }
  return `${value} ${units[unit]}`;
}

export class FileNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`no such file: ${path}`);
    this.name = 'FileNotFoundError';
  }
}
