/**
 * An Environment over a host directory that stands for `/testbed`: a persistent `bash --norc` with real
 * git, no Docker. It is the fake Environment of the agent's unit tests, so the agent code that says
 * `/testbed` runs unchanged: paths and command texts mentioning `/testbed` are mapped to the directory,
 * and the directory is mapped back to `/testbed` in every output. Other absolute paths are host paths.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { decodeBackslashReplace } from './backslash-replace.js';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InterruptedError } from '../errors.js';
import {
  EnvironmentUnavailableError,
  FileNotFoundError,
  type Environment,
  type ExecOptions,
  type ExecResult,
  type RunOptions,
  type RunResult,
} from './environment.js';

const TESTBED = '/testbed';
const DEFAULT_TIMEOUT_S = 300;
/** After the timeout's SIGKILL, how long the shell gets to print its end marker before it is replaced. */
const RECOVERY_GRACE_MS = 2_000;

/** The shell never sees the harness's environment: an API key must not be one `env` away from the model. */
function shellEnvironment(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    GIT_CONFIG_NOSYSTEM: '1',
  };
}

export class LocalEnvironment implements Environment {
  private shell: ChildProcessWithoutNullStreams | undefined;
  private sessionDir: string | undefined;
  private pending: Buffer[] = [];
  private commandCount = 0;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  /** @param repoDir the host directory that `/testbed` stands for; the caller owns and removes it. */
  constructor(readonly repoDir: string) {}

  toHostPath(path: string): string {
    if (path === TESTBED || path.startsWith(`${TESTBED}/`)) return this.repoDir + path.slice(TESTBED.length);
    return path;
  }

  private toHostText(text: string): string {
    return text.replace(/\/testbed(?=$|[/\s'"`;:)&|<>])/g, this.repoDir);
  }

  private fromHostText(text: string): string {
    return text.split(this.repoDir).join(TESTBED);
  }

  run(command: string, options: RunOptions = {}): Promise<RunResult> {
    const result = this.queue.then(() => this.runNow(command, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(command: string, options: RunOptions): Promise<RunResult> {
    if (this.closed) throw new EnvironmentUnavailableError('the local environment is closed');
    const shell = await this.ensureShell();
    const sessionDir = this.sessionDir as string;
    const n = ++this.commandCount;
    const script = join(sessionDir, `command-${n}.sh`);
    const marker = `__SERA_LOCAL_DONE_${n}__`;
    await writeFile(script, this.toHostText(command));
    this.pending = [];
    shell.stdin.write(`source '${script}' < /dev/null 2>&1; printf '${marker}%s\\n' "$?"\n`);

    // Bash names the sourced file in its messages; a shell reading the command directly says `bash`.
    const shown = (text: string): string => this.fromHostText(text.split(`${script}: `).join('bash: '));
    const timeoutS = options.timeoutS ?? DEFAULT_TIMEOUT_S;
    const finished = await this.waitForMarker(shell, marker, timeoutS * 1000, options.signal);
    if (finished) return { output: shown(finished.output), exitCode: finished.exitCode, timedOut: false };

    await this.interruptCommand(shell.pid as number);
    const recovered = await this.waitForMarker(shell, marker, RECOVERY_GRACE_MS);
    const partial = recovered?.output ?? decodeBackslashReplace(Buffer.concat(this.pending));
    if (!recovered) await this.replaceShell();
    if (options.signal?.aborted) throw new InterruptedError();
    return { output: shown(partial), exitCode: recovered?.exitCode ?? 137, timedOut: true };
  }

  private waitForMarker(
    shell: ChildProcessWithoutNullStreams,
    marker: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<{ output: string; exitCode: number } | undefined> {
    return new Promise((resolve, reject) => {
      const pattern = new RegExp(`${marker}(\\d+)\\n`);
      const check = (): boolean => {
        const text = decodeBackslashReplace(Buffer.concat(this.pending));
        const match = pattern.exec(text);
        if (!match) return false;
        cleanup();
        resolve({ output: text.slice(0, match.index), exitCode: Number(match[1]) });
        return true;
      };
      const onData = (chunk: Buffer): void => {
        this.pending.push(chunk);
        check();
      };
      const onExit = (): void => {
        cleanup();
        reject(new EnvironmentUnavailableError('the local shell exited'));
      };
      const onAbort = (): void => {
        cleanup();
        resolve(undefined);
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(undefined);
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        shell.stdout.off('data', onData);
        shell.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
      };
      shell.stdout.on('data', onData);
      shell.once('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (shell.exitCode !== null || shell.signalCode !== null) onExit();
      else check();
    });
  }

  /**
   * The shell runs without job control, so its commands share its process group. SIGINT the shell
   * first, so its trap is pending when its children die; killing the children first let bash start
   * the command's next statement before the SIGINT arrived (`sleep 60; echo not-reached` ran on).
   */
  private async interruptCommand(shellPid: number): Promise<void> {
    try {
      process.kill(shellPid, 'SIGINT');
    } catch {
      // the shell is gone; the caller notices
    }
    for (const pid of await processesInGroup(shellPid)) {
      if (pid === shellPid) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  private async ensureShell(): Promise<ChildProcessWithoutNullStreams> {
    if (this.shell && this.shell.exitCode === null && this.shell.signalCode === null) return this.shell;
    if (this.shell) throw new EnvironmentUnavailableError('the local shell exited');
    this.sessionDir ??= await mkdtemp(join(tmpdir(), 'sera-local-env-'));
    const home = join(this.sessionDir, 'home');
    await mkdir(home, { recursive: true });
    const shell = spawn('bash', ['--norc', '--noprofile'], {
      cwd: this.repoDir,
      env: shellEnvironment(home),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    shell.stderr.on('data', (chunk: Buffer) => this.pending.push(chunk));
    shell.on('error', () => undefined);
    shell.stdin.write("trap 'return 130 2>/dev/null' INT\n");
    this.shell = shell;
    return shell;
  }

  private async replaceShell(): Promise<void> {
    const old = this.shell;
    this.shell = undefined;
    if (old?.pid) killGroup(old.pid);
    await this.ensureShell();
  }

  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new EnvironmentUnavailableError('the local environment is closed'));
    const [file, ...args] = argv.map((arg) => this.toHostText(arg));
    if (!file) return Promise.reject(new TypeError('exec needs a program'));
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        cwd: this.toHostPath(options.cwd ?? TESTBED),
        env: { ...shellEnvironment(this.sessionDir ?? tmpdir()), ...options.env },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const chunks: Buffer[] = [];
      let timedOut = false;
      const kill = (): void => {
        if (child.pid) killGroup(child.pid);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, (options.timeoutS ?? DEFAULT_TIMEOUT_S) * 1000);
      options.signal?.addEventListener('abort', kill, { once: true });
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => chunks.push(c));
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new EnvironmentUnavailableError(`could not start ${file}: ${err.message}`, { cause: err }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', kill);
        const all = Buffer.concat(chunks);
        const capped = capOutput(all, options.maxOutputBytes);
        resolve({
          output: this.fromHostText(capped.toString('utf8')),
          exitCode: code ?? (signal === 'SIGKILL' ? 137 : 1),
          timedOut,
          outputBytes: all.length,
          truncated: capped !== all,
        });
      });
    });
  }

  async readFile(path: string): Promise<Buffer> {
    try {
      return await readFile(this.toHostPath(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FileNotFoundError(path);
      throw err;
    }
  }

  async writeFile(path: string, content: string | Buffer): Promise<void> {
    const host = this.toHostPath(path);
    await mkdir(dirname(host), { recursive: true });
    await writeFile(host, content);
  }

  async diff(): Promise<string> {
    const result = await this.exec(['bash', '-c', 'git add -A && git diff --cached'], { cwd: TESTBED });
    if (result.exitCode !== 0) throw new EnvironmentUnavailableError(`git diff failed: ${result.output}`);
    return result.output;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.shell?.pid) killGroup(this.shell.pid);
    this.shell = undefined;
    if (this.sessionDir) await rm(this.sessionDir, { recursive: true, force: true });
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

function capOutput(all: Buffer, maxBytes: number | undefined): Buffer {
  if (maxBytes === undefined || all.length <= maxBytes) return all;
  const half = Math.floor(maxBytes / 2);
  const note = Buffer.from(`\n[... ${all.length - 2 * half} bytes cut ...]\n`);
  return Buffer.concat([all.subarray(0, half), note, all.subarray(all.length - half)]);
}

/** Linux: the pids whose process group is `pgid`, from /proc/<pid>/stat (field 5). */
async function processesInGroup(pgid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}
