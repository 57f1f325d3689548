/**
 * The Environment over a pod: the Docker shell's protocol over an exec websocket with a tty
 * (`run`), a fresh exec per grading step (`exec`), files as tar over exec, and the pod deleted on
 * close. A broken stream is explained by the pod's status (evicted, OOM-killed, gone).
 */
import { posix } from 'node:path';
import type { CoreV1Api } from '@kubernetes/client-node';
import type Dockerode from 'dockerode';
import { HarnessError, InterruptedError, errorMessage } from '../../errors.js';
import type { Environment, ExecOptions, ExecResult, RunOptions, RunResult } from '../environment.js';
import { EnvironmentUnavailableError, FileNotFoundError, outOfMemoryMessage } from '../environment.js';
import { decodeUtf8 } from '../docker/capped-output.js';
import { startDockerShell } from '../docker/persistent-shell.js';
import { sweAgentStartupLines, type ShellSession } from '../shell-session.js';
import { KILL_PROCESS_TREE_SCRIPT } from '../docker/process-tree.js';
import { packTar, unpackTar } from '../docker/tar.js';
import { execInPod, type PodExecOptions, type PodExecResult, type PodTarget } from './pod-exec.js';
import { SIGKILL_EXIT } from '../in-sandbox-timeout.js';
import { podState } from './pod-state.js';
import { OomKillCounter } from '../oom-kills.js';
import { podTtyHost } from './pod-tty.js';

/** SWE-agent's bash tool default (sera-agent.md §1.4). */
const DEFAULT_RUN_TIMEOUT_S = 300;
const DEFAULT_EXEC_OUTPUT_BYTES = 32 * 1024 * 1024;
/** SWE-agent's session set-up, as DockerEnvironment runs it. */
const SHELL_STARTUP = sweAgentStartupLines(['/root/.bashrc']);
/** GNU tar reads whole 10 KiB records and stops at the end-of-archive blocks, with or without EOF. */
const TAR_RECORD = 10_240;
const FILE_OUTPUT_CAP = 2 * 1024 ** 3;

export interface PodHandle extends PodTarget {
  core: CoreV1Api;
  workdir: string;
  memoryLimitBytes: number | null;
  /** Called once the pod is deleted. */
  onClosed?: () => void;
}

export class KubernetesEnvironment implements Environment {
  private shell: ShellSession | undefined;
  private shellQueue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private readonly oomKills = new OomKillCounter((argv) => this.probe(argv));

  constructor(private readonly pod: PodHandle) {}

  get name(): string {
    return this.pod.pod;
  }

  run(command: string, options: RunOptions = {}): Promise<RunResult> {
    const next = this.shellQueue.then(() => this.runNow(command, options));
    this.shellQueue = next.catch(() => undefined);
    return next;
  }

  private async runNow(command: string, options: RunOptions): Promise<RunResult> {
    this.assertOpen();
    if (options.signal?.aborted) throw new InterruptedError();
    const shell = await this.liveShell();
    const result = await this.guard('running a command', () => shell.run(command, options.timeoutS ?? DEFAULT_RUN_TIMEOUT_S, options.signal));
    if (!shell.alive) await this.assertRunning();
    if (result.exitCode === SIGKILL_EXIT) await this.assertNoNewOomKill();
    if (options.signal?.aborted) throw new InterruptedError();
    return result;
  }

  private async liveShell(): Promise<ShellSession> {
    if (this.shell?.alive) return this.shell;
    const host = {
      // The Docker shell only calls `container.exec`, which the pod's tty adapter answers.
      container: podTtyHost(this.pod) as unknown as Dockerode.Container,
      killProcessTree: (pid: number, includeRoot: boolean) => this.killProcessTree(pid, includeRoot),
    };
    this.shell = await this.guard('starting the shell', () => startDockerShell(host, this.pod.workdir, SHELL_STARTUP));
    return this.shell;
  }

  async exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.assertOpen();
    const result = await this.podExec(`exec ${argv[0] ?? ''}`, argv, {
      ...(options.timeoutS === undefined ? {} : { timeoutS: options.timeoutS }),
      maxOutputBytes: options.maxOutputBytes ?? DEFAULT_EXEC_OUTPUT_BYTES,
      cwd: options.cwd ?? this.pod.workdir,
      ...(options.env ? { env: options.env } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (options.signal?.aborted) throw new InterruptedError();
    const decoded = {
      output: decodeUtf8(result.output.toBuffer()),
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      outputBytes: result.output.totalBytes,
      truncated: result.output.truncated,
    };
    if (options.detectOutOfMemory && !result.timedOut) {
      await this.assertRunning();
      const killed = await this.guard('checking for out-of-memory kills', () => this.oomKills.sawNewKill());
      return killed ? { ...decoded, outOfMemory: { limitBytes: this.pod.memoryLimitBytes } } : decoded;
    }
    if (result.exitCode === SIGKILL_EXIT && !result.timedOut) await this.assertNoNewOomKill();
    return decoded;
  }

  async readFile(path: string): Promise<Buffer> {
    this.assertOpen();
    const absolute = posix.resolve(this.pod.workdir, path);
    // -h follows symlinks, as DockerEnvironment does by hand over the archive API.
    const result = await this.podExec(`reading ${absolute}`, ['tar', '-chf', '-', '-C', posix.dirname(absolute), posix.basename(absolute)], {
      cwd: '/',
      maxOutputBytes: FILE_OUTPUT_CAP,
      separateStderr: true,
      timeoutS: 300,
    });
    const stderr = decodeUtf8(result.stderr!.toBuffer()).trim();
    if (result.exitCode !== 0) {
      if (/No such file or directory/.test(stderr)) throw new FileNotFoundError(absolute);
      throw new HarnessError('read_failed', `cannot read ${absolute}: ${stderr || `tar exited ${result.exitCode}`}`);
    }
    const entry = unpackTar(result.output.toBuffer())[0];
    if (entry?.kind === 'file') return entry.content;
    throw new HarnessError('not_a_file', `${absolute} is not a regular file (${entry?.kind ?? 'empty archive'})`);
  }

  async writeFile(path: string, content: string | Buffer): Promise<void> {
    this.assertOpen();
    const absolute = posix.resolve(this.pod.workdir, path);
    const archive = padToRecord(packTar([{ name: posix.basename(absolute), content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8') }]));
    const result = await this.podExec(`writing ${absolute}`, ['sh', '-c', 'mkdir -p "$1" && tar --no-same-owner -xf - -C "$1"', 'sh', posix.dirname(absolute)], {
      cwd: '/',
      maxOutputBytes: 64 * 1024,
      stdin: archive,
      timeoutS: 300,
    });
    if (result.exitCode !== 0) throw new HarnessError('write_failed', `cannot write ${absolute}: ${decodeUtf8(result.output.toBuffer()).trim() || `tar exited ${result.exitCode}`}`);
  }

  async diff(): Promise<string> {
    this.assertOpen();
    const result = await this.podExec('git diff', ['bash', '-c', 'git add -A && git diff --cached'], {
      cwd: this.pod.workdir,
      maxOutputBytes: Number.MAX_SAFE_INTEGER,
      separateStderr: true,
      timeoutS: 300,
    });
    if (result.exitCode !== 0) {
      throw new HarnessError('diff_failed', `git diff in ${this.pod.workdir} exited ${result.exitCode}: ${decodeUtf8(result.stderr!.toBuffer()).trim()}`);
    }
    return decodeUtf8(result.output.toBuffer());
  }

  /** Deletes the pod with no grace period; a pod already gone is fine. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.shell?.kill().catch(() => undefined);
      await deletePod(this.pod.core, this.pod.namespace, this.pod.pod);
      this.pod.onClosed?.();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new EnvironmentUnavailableError(`pod ${this.pod.pod} was closed`);
  }

  private async podExec(what: string, argv: string[], options: PodExecOptions): Promise<PodExecResult> {
    return this.guard(what, () => execInPod(this.pod, argv, options));
  }

  private async killProcessTree(pid: number, includeRoot: boolean): Promise<void> {
    await execInPod(this.pod, ['sh', '-c', KILL_PROCESS_TREE_SCRIPT, 'kill-tree', String(pid), includeRoot ? '1' : '0'], {
      cwd: '/',
      maxOutputBytes: 64 * 1024,
      timeoutS: 30,
    });
  }

  /** Runs an API call; any failure becomes EnvironmentUnavailableError, named by the pod's status. */
  private async guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      if (err instanceof HarnessError) throw err;
      try {
        await this.assertRunning();
      } catch (stateErr) {
        if (stateErr instanceof EnvironmentUnavailableError) throw stateErr;
      }
      throw new EnvironmentUnavailableError(`${what} in pod ${this.pod.pod}: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** @throws EnvironmentUnavailableError (code 'oom' when the pod was OOM-killed) */
  private async assertRunning(): Promise<void> {
    let state;
    try {
      state = podState(await this.pod.core.readNamespacedPod({ name: this.pod.pod, namespace: this.pod.namespace }));
    } catch (err) {
      throw new EnvironmentUnavailableError(`pod ${this.pod.pod} is gone: ${apiMessage(err)}`, { cause: err });
    }
    if (state.kind === 'running') return;
    if (state.kind === 'failed' && state.code === 'oom') {
      throw new EnvironmentUnavailableError(`${outOfMemoryMessage(this.pod.memoryLimitBytes)}: the API reports pod ${this.pod.pod} OOMKilled`, { code: 'oom' });
    }
    throw new EnvironmentUnavailableError(`pod ${this.pod.pod} is not running: ${state.reason}: ${state.message}`);
  }

  private async assertNoNewOomKill(): Promise<void> {
    await this.assertRunning();
    if (await this.oomKills.sawNewKill()) {
      throw new EnvironmentUnavailableError(`${outOfMemoryMessage(this.pod.memoryLimitBytes)}: the kernel killed the command (exit 137)`, { code: 'oom' });
    }
  }

  /** A probe's output: a short fresh process, for the OOM counter. */
  private async probe(argv: string[]): Promise<string> {
    return decodeUtf8((await execInPod(this.pod, argv, { cwd: '/', maxOutputBytes: 64 * 1024, timeoutS: 30 })).output.toBuffer());
  }
}

/** Deletes a pod at once (grace period 0); a pod already gone counts as deleted. */
export async function deletePod(core: CoreV1Api, namespace: string, name: string): Promise<void> {
  try {
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
  } catch (err) {
    if (apiStatusCode(err) !== 404) throw new EnvironmentUnavailableError(`could not delete pod ${name}: ${apiMessage(err)}`, { cause: err });
  }
}

function padToRecord(archive: Buffer): Buffer {
  const size = Math.ceil(archive.length / TAR_RECORD) * TAR_RECORD;
  return Buffer.concat([archive, Buffer.alloc(size - archive.length)]);
}

/** The HTTP status of a client-node ApiException, when there is one. */
export function apiStatusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The API's own message (a V1Status body) rather than the client's wrapper text. */
export function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      return body;
    }
  }
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return errorMessage(err);
}
