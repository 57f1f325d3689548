/**
 * An Environment over a host directory that stands for `/testbed`: a persistent bash on a pty with real
 * git, no Docker. It is the fake Environment of the agent's unit tests, so the agent code that says
 * `/testbed` runs unchanged: paths and command texts mentioning `/testbed` are mapped to the directory,
 * and the directory is mapped back to `/testbed` in every output. Other absolute paths are host paths.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
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
import { SWE_REX_PS1, ShellSession, sweAgentStartupLines, type ShellTransport } from './shell-session.js';

const TESTBED = '/testbed';
const DEFAULT_TIMEOUT_S = 300;

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
  private shell: ShellSession | undefined;
  private shellExited = false;
  private sessionDir: string | undefined;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  /** Sandbox paths and the host paths they stand for, `/testbed` first. */
  private readonly mounts: ReadonlyArray<readonly [string, string]>;
  private readonly mountPattern: RegExp;

  /**
   * @param repoDir the host directory that `/testbed` stands for; the caller owns and removes it.
   * @param options.mounts more sandbox paths mapped to host paths (the local sandbox maps `/tmp` and
   *   `/eval.sh` into its own directory so grading writes nothing elsewhere on the host).
   */
  constructor(
    readonly repoDir: string,
    options: { mounts?: Record<string, string> } = {},
  ) {
    this.mounts = [[TESTBED, repoDir], ...Object.entries(options.mounts ?? {})];
    const alternatives = this.mounts.map(([sandboxPath]) => sandboxPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.mountPattern = new RegExp(`(?<![\\w.-])(${alternatives.join('|')})(?=$|[/\\s'"\`;:)&|<>])`, 'g');
  }

  toHostPath(path: string): string {
    for (const [sandboxPath, hostPath] of this.mounts) {
      if (path === sandboxPath || path.startsWith(`${sandboxPath}/`)) return hostPath + path.slice(sandboxPath.length);
    }
    return path;
  }

  /** One pass, so a host path that itself contains a mounted prefix (a repo under /tmp) is not mapped twice. */
  private toHostText(text: string): string {
    return text.replace(this.mountPattern, (sandboxPath) => this.mounts.find(([p]) => p === sandboxPath)![1]);
  }

  private fromHostText(text: string): string {
    const longestFirst = [...this.mounts].sort((a, b) => b[1].length - a[1].length);
    return longestFirst.reduce((out, [sandboxPath, hostPath]) => out.split(hostPath).join(sandboxPath), text);
  }

  run(command: string, options: RunOptions = {}): Promise<RunResult> {
    const result = this.queue.then(() => this.runNow(command, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(command: string, options: RunOptions): Promise<RunResult> {
    if (this.closed) throw new EnvironmentUnavailableError('the local environment is closed');
    const shell = await this.ensureShell();
    const result = await shell.run(this.toHostText(command), options.timeoutS ?? DEFAULT_TIMEOUT_S, options.signal);
    if (!shell.alive && !result.shellRestarted) {
      this.shellExited = true;
      throw new EnvironmentUnavailableError('the local shell exited');
    }
    if (result.shellRestarted) this.shell = undefined;
    if (options.signal?.aborted) throw new InterruptedError();
    return { ...result, output: this.fromHostText(result.output) };
  }

  /**
   * bash on a pty made by util-linux `script`, driven like the container's shell, so a command sees
   * the same terminal, readline and history expansion. No startup file is sourced: the host's
   * /root/.bashrc is not the instance's.
   */
  private async ensureShell(): Promise<ShellSession> {
    if (this.shellExited) throw new EnvironmentUnavailableError('the local shell exited');
    if (this.shell?.alive) return this.shell;
    this.sessionDir ??= await mkdtemp(join(tmpdir(), 'sera-local-env-'));
    const home = join(this.sessionDir, 'home');
    await mkdir(home, { recursive: true });
    const child = spawn('script', ['-qfec', 'exec env -u TERM bash --norc --noprofile', '/dev/null'], {
      cwd: this.repoDir,
      env: { PATH: shellEnvironment(home).PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', SHELL: '/bin/sh', PS1: SWE_REX_PS1, PS2: '', PS0: '' },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.on('error', () => undefined);
    this.shell = await ShellSession.start(scriptTransport(child), sweAgentStartupLines([]));
    return this.shell;
  }

  async exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new EnvironmentUnavailableError('the local environment is closed');
    const [file, ...args] = argv.map((arg) => this.toHostText(arg));
    if (!file) throw new TypeError('exec needs a program');
    // HOME is private even when no shell ran: eval.sh's `git config --global` must not touch the host's.
    this.sessionDir ??= await mkdtemp(join(tmpdir(), 'sera-local-env-'));
    const home = this.sessionDir;
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        cwd: this.toHostPath(options.cwd ?? TESTBED),
        env: { ...shellEnvironment(home), ...options.env },
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
    await this.shell?.kill();
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

function scriptTransport(child: ChildProcessWithoutNullStreams): ShellTransport {
  return {
    write: (text) => {
      if (child.stdin.writable) child.stdin.write(text);
    },
    onData: (listener) => {
      child.stdout.on('data', listener);
      child.stderr.on('data', listener);
    },
    onEnd: (listener) => child.once('exit', () => listener()),
    killProcessTree: async (pid, includeRoot) => {
      for (const descendant of await descendantsOf(pid)) kill(descendant);
      if (includeRoot) kill(pid);
      if (includeRoot && child.pid) killGroup(child.pid);
    },
    exitCode: async () => child.exitCode ?? 1,
    destroy: () => {
      if (child.pid) killGroup(child.pid);
    },
  };
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Linux: every process below `root`, from the parent pids in /proc/<pid>/stat (field 4). */
async function descendantsOf(root: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const walk = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}
