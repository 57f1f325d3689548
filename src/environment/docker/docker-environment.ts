/**
 * The Environment over dockerode: one container per instance, a persistent shell for the agent
 * (`run`), and a second, non-interactive harness shell (harness-shell.ts) through which `exec`,
 * `readFile` and `writeFile` run their fresh processes without a `docker exec` each.
 */
import { posix } from 'node:path';
import Dockerode from 'dockerode';
import { HarnessError, InfrastructureError, InterruptedError } from '../../errors.js';
import type { Environment, ExecOptions, ExecResult, RunOptions, RunResult } from '../environment.js';
import { EnvironmentUnavailableError, FileNotFoundError, outOfMemoryMessage } from '../environment.js';
import { decodeUtf8 } from './capped-output.js';
import { MANAGED_LABEL, forceRemoveContainer, registerContainer, unregisterContainer } from './container-registry.js';
import { daemonMessage, isDaemonUnreachable, isNotFound, withDaemonRetry } from './docker-errors.js';
import { execProcess } from './exec-process.js';
import { SIGKILL_EXIT } from '../in-sandbox-timeout.js';
import { assertLimitsApplied } from './limits-check.js';
import { startDockerShell } from './persistent-shell.js';
import { startDockerHarnessShell } from './harness-process.js';
import { HarnessShellExitedError, type HarnessRequest, type HarnessResult, type HarnessShell } from '../harness-shell.js';
import { sweAgentStartupLines, type ShellSession } from '../shell-session.js';
import { KILL_PROCESS_TREE_SCRIPT } from './process-tree.js';
import { OomKillCounter } from '../oom-kills.js';

export interface DockerEnvironmentOptions {
  /** @default a client for the local daemon (DOCKER_HOST or /var/run/docker.sock) */
  docker?: Dockerode;
  image: string;
  /** Container name; must be unique on the daemon. */
  name: string;
  /** Include `sera-eval.run-key` (or `sera-eval.run-id`) so leftovers can be removed by label (container-registry.ts). */
  labels: Record<string, string>;
  /** @default false (NetworkMode none) */
  network?: boolean;
  memoryBytes?: number;
  pidsLimit?: number;
  nanoCpus?: number;
  /**
   * Inspect the new container to check the engine applied its limits (limits-check.ts). The answer
   * is the engine's, not the container's, so a provider asks once per run. @default true
   */
  checkLimits?: boolean;
  /** @default '/testbed' */
  workdir?: string;
  signal?: AbortSignal;
}

/** SWE-agent's bash tool default (sera-agent.md §1.4). */
const DEFAULT_RUN_TIMEOUT_S = 300;
const DEFAULT_EXEC_OUTPUT_BYTES = 32 * 1024 * 1024;
/**
 * SWE-agent's session set-up: SWE-ReX sources /root/.bashrc (in SWE-bench images the only place the
 * `testbed` conda env is activated), then the exports of swe_env.py and the tool config.
 */
const SHELL_STARTUP = sweAgentStartupLines(['/root/.bashrc']);
/** Exit codes of READ_FILE_SCRIPT, chosen far from cat's own 1. */
const READ_MISSING = 80;
const READ_UNDER_FILE = 81;
const READ_DIRECTORY = 82;
const READ_OTHER_KIND = 83;
/** `$1` an absolute path. A missing path under a regular file is ENOTDIR, as the archive API said. */
const READ_FILE_SCRIPT = `p=$1
[ -d "$p" ] && exit ${READ_DIRECTORY}
[ -f "$p" ] && exec cat -- "$p" 2>/dev/null
[ -e "$p" ] && exit ${READ_OTHER_KIND}
d=$p
while d=\${d%/*}; [ -n "$d" ]; do [ -e "$d" ] && [ ! -d "$d" ] && exit ${READ_UNDER_FILE}; done
exit ${READ_MISSING}`;

export class DockerEnvironment implements Environment {
  private shell: ShellSession | undefined;
  private harness: HarnessShell | undefined;
  private harnessStarting: Promise<HarnessShell> | undefined;
  private shellQueue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private readonly oomKills = new OomKillCounter((argv) => this.probe(argv));

  private constructor(
    private readonly docker: Dockerode,
    private readonly container: Dockerode.Container,
    readonly workdir: string,
    private readonly memoryLimitBytes: number | null,
  ) {}

  /** Create and start the container. @throws InfrastructureError 'image_unavailable', EnvironmentUnavailableError */
  static async start(options: DockerEnvironmentOptions): Promise<DockerEnvironment> {
    if (options.signal?.aborted) throw new InterruptedError();
    const docker = options.docker ?? new Dockerode();
    const workdir = options.workdir ?? '/testbed';
    let container: Dockerode.Container;
    try {
      container = await withDaemonRetry(
        `creating container ${options.name}`,
        () =>
          docker.createContainer({
            name: options.name,
            Image: options.image,
            Cmd: ['sleep', 'infinity'],
            // The official harness runs containers as root whatever the image's USER says.
            User: 'root',
            WorkingDir: workdir,
            Labels: { ...options.labels, [MANAGED_LABEL]: 'true' },
            HostConfig: {
              // docker-init reaps the orphans that killed commands leave behind.
              Init: true,
              NetworkMode: options.network ? 'bridge' : 'none',
              Memory: options.memoryBytes,
              MemorySwap: options.memoryBytes,
              PidsLimit: options.pidsLimit,
              NanoCpus: options.nanoCpus,
            },
          }),
        { signal: options.signal },
      );
    } catch (err) {
      if (isNotFound(err)) throw new InfrastructureError('image_unavailable', `image ${options.image} is not available locally: ${daemonMessage(err)}`, { cause: err });
      if (err instanceof EnvironmentUnavailableError) throw err;
      throw new EnvironmentUnavailableError(`could not create container ${options.name}: ${daemonMessage(err)}`, { cause: err });
    }
    registerContainer(docker, container.id);
    const environment = new DockerEnvironment(docker, container, workdir, options.memoryBytes ?? null);
    try {
      if (options.checkLimits ?? true) {
        assertLimitsApplied(options.name, options, (await withDaemonRetry(`inspecting container ${options.name}`, () => container.inspect())).HostConfig);
      }
      await withDaemonRetry(`starting container ${options.name}`, () => container.start(), { signal: options.signal });
    } catch (err) {
      await environment.close().catch(() => undefined);
      if (err instanceof HarnessError) throw err;
      throw new EnvironmentUnavailableError(`container ${options.name} failed to start: ${daemonMessage(err)}`, { cause: err });
    }
    return environment;
  }

  get id(): string {
    return this.container.id;
  }

  run(command: string, options: RunOptions = {}): Promise<RunResult> {
    // One shell, one command at a time: calls queue up in order.
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
      container: this.container,
      killProcessTree: (pid: number, includeRoot: boolean) => this.killProcessTree(pid, includeRoot),
    };
    this.shell = await this.guard('starting the shell', () => startDockerShell(host, this.workdir, SHELL_STARTUP));
    return this.shell;
  }

  async exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.assertOpen();
    const result = await this.harnessExec(`exec ${argv[0] ?? ''}`, {
      argv,
      timeoutS: options.timeoutS,
      maxOutputBytes: options.maxOutputBytes ?? DEFAULT_EXEC_OUTPUT_BYTES,
      cwd: options.cwd ?? this.workdir,
      env: options.env,
      signal: options.signal,
    });
    if (options.signal?.aborted) throw new InterruptedError();
    const decoded = {
      output: decodeUtf8(result.output.toBuffer()),
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      outputBytes: result.output.totalBytes,
      truncated: result.output.truncated,
    };
    // After a timeout the kill is the outcome, and a fork bomb's survivors may leave no pid for the probe.
    if (options.detectOutOfMemory && !result.timedOut) {
      await this.assertRunning();
      const killed = await this.guard('checking for out-of-memory kills', () => this.oomKills.sawNewKill());
      return killed ? { ...decoded, outOfMemory: { limitBytes: this.memoryLimitBytes } } : decoded;
    }
    if (result.exitCode === SIGKILL_EXIT && !result.timedOut) await this.assertNoNewOomKill();
    return decoded;
  }

  /**
   * One process through the harness shell. A shell found dead before the command began (the model
   * killed every process, the container restarted it) is replaced and the request sent again; one
   * that died during the command makes the environment unavailable, as a lost `docker exec` did.
   */
  private async harnessExec(what: string, request: HarnessRequest): Promise<HarnessResult> {
    for (let attempt = 0; ; attempt++) {
      const harness = await this.liveHarness();
      try {
        return await harness.exec(request);
      } catch (err) {
        if (err instanceof HarnessShellExitedError && !err.started && attempt === 0) continue;
        if (err instanceof HarnessShellExitedError) await this.assertNoNewOomKill();
        throw await this.unavailable(what, err);
      }
    }
  }

  private liveHarness(): Promise<HarnessShell> {
    if (this.harness?.alive) return Promise.resolve(this.harness);
    // One start at a time: concurrent callers share it.
    this.harnessStarting ??= this.guard('starting the harness shell', () =>
      startDockerHarnessShell(this.container, (pid, includeRoot) => this.killProcessTree(pid, includeRoot)),
    )
      .then((harness) => (this.harness = harness))
      .finally(() => (this.harnessStarting = undefined));
    return this.harnessStarting;
  }

  /**
   * Read through the harness shell: `cat` follows symlinks as the archive API was made to. Exit codes
   * name what is there instead of a regular file, so no output text is parsed.
   */
  async readFile(path: string): Promise<Buffer> {
    this.assertOpen();
    const absolute = posix.resolve(this.workdir, path);
    const result = await this.harnessExec(`reading ${absolute}`, {
      argv: ['sh', '-c', READ_FILE_SCRIPT, 'read-file', absolute],
      cwd: '/',
      maxOutputBytes: Number.MAX_SAFE_INTEGER,
    });
    const status = result.exitCode;
    if (status === 0) return result.output.toBuffer();
    if (status === READ_MISSING) {
      await this.assertRunning();
      throw new FileNotFoundError(absolute);
    }
    if (status === READ_UNDER_FILE) throw new HarnessError('read_failed', `cannot read ${absolute}: lstat ${absolute}: not a directory`);
    if (status === READ_DIRECTORY) throw new HarnessError('not_a_file', `${absolute} is not a regular file (directory)`);
    if (status === READ_OTHER_KIND) throw new HarnessError('not_a_file', `${absolute} is not a regular file`);
    throw new HarnessError('read_failed', `cannot read ${absolute}: cat exited ${status}`);
  }

  /** Write through the harness shell: the bytes go to `cat`'s stdin; an existing file keeps its mode. */
  async writeFile(path: string, content: string | Buffer): Promise<void> {
    this.assertOpen();
    const absolute = posix.resolve(this.workdir, path);
    const result = await this.harnessExec(`writing ${absolute}`, {
      argv: ['sh', '-c', 'mkdir -p -- "${1%/*}/" && cat > "$1"', 'write-file', absolute],
      cwd: '/',
      stdin: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
      maxOutputBytes: 64 * 1024,
    });
    if (result.exitCode !== 0) throw new HarnessError('write_failed', `cannot write ${absolute}: ${decodeUtf8(result.output.toBuffer()).trim()}`);
  }

  async diff(): Promise<string> {
    this.assertOpen();
    const result = await this.guard('git diff', () =>
      execProcess(this.container, ['bash', '-c', 'git add -A && git diff --cached'], {
        cwd: this.workdir,
        maxOutputBytes: Number.MAX_SAFE_INTEGER,
        separateStderr: true,
        timeoutS: 300,
      }),
    );
    if (result.exitCode !== 0) {
      throw new HarnessError('diff_failed', `git diff in ${this.workdir} exited ${result.exitCode}: ${decodeUtf8(result.stderr!.toBuffer()).trim()}`);
    }
    return decodeUtf8(result.output.toBuffer());
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Removal kills every process in the container, the shell's included, and ends its stream: no
      // separate kill exec first (a round trip per cell). Killed only when its stream outlives that.
      // The harness shell's stream is only closed: nothing to kill once the container is gone.
      try {
        await withDaemonRetry('removing container', () => forceRemoveContainer(this.docker, this.container.id));
        unregisterContainer(this.container.id);
      } finally {
        this.harness?.detach();
        if (this.shell?.alive) await this.shell.kill().catch(() => undefined);
      }
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new EnvironmentUnavailableError(`container ${this.container.id.slice(0, 12)} was closed`);
  }

  private async killProcessTree(pid: number, includeRoot: boolean): Promise<void> {
    await execProcess(this.container, ['sh', '-c', KILL_PROCESS_TREE_SCRIPT, 'kill-tree', String(pid), includeRoot ? '1' : '0'], {
      cwd: '/',
      maxOutputBytes: 64 * 1024,
      timeoutS: 30,
    });
  }

  /** Runs a daemon call; any failure becomes EnvironmentUnavailableError after checking why. */
  private async guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      if (err instanceof HarnessError) throw err;
      throw await this.unavailable(what, err);
    }
  }

  private async unavailable(what: string, err: unknown): Promise<EnvironmentUnavailableError> {
    if (err instanceof EnvironmentUnavailableError) return err;
    if (isDaemonUnreachable(err)) return new EnvironmentUnavailableError(`${what}: Docker daemon unreachable: ${daemonMessage(err)}`, { cause: err });
    try {
      await this.assertRunning();
    } catch (stateErr) {
      if (stateErr instanceof EnvironmentUnavailableError) return stateErr;
    }
    return new EnvironmentUnavailableError(`${what}: ${daemonMessage(err)}`, { cause: err });
  }

  /** @throws EnvironmentUnavailableError (code 'oom' when the kernel killed it for memory) */
  private async assertRunning(): Promise<void> {
    let info: Dockerode.ContainerInspectInfo;
    try {
      info = await this.container.inspect();
    } catch (err) {
      throw new EnvironmentUnavailableError(`container ${this.container.id.slice(0, 12)} is gone: ${daemonMessage(err)}`, { cause: err });
    }
    if (info.State.OOMKilled) {
      throw new EnvironmentUnavailableError(`${outOfMemoryMessage(this.memoryLimitBytes)}: the daemon reports container ${info.Name} OOMKilled`, { code: 'oom' });
    }
    if (!info.State.Running) throw new EnvironmentUnavailableError(`container ${info.Name} is not running (${info.State.Status}, exit code ${info.State.ExitCode})`);
  }

  /** Exit 137 is SIGKILL: the memory cgroup's counter tells a kernel OOM kill from a plain `kill -9`. */
  private async assertNoNewOomKill(): Promise<void> {
    await this.assertRunning();
    if (await this.oomKills.sawNewKill()) {
      throw new EnvironmentUnavailableError(`${outOfMemoryMessage(this.memoryLimitBytes)}: the kernel killed the command (exit 137)`, { code: 'oom' });
    }
  }

  /** A probe's output: a short fresh process, for the OOM counter. */
  private async probe(argv: string[]): Promise<string> {
    return decodeUtf8((await execProcess(this.container, argv, { cwd: '/', maxOutputBytes: 64 * 1024, timeoutS: 30 })).output.toBuffer());
  }
}
