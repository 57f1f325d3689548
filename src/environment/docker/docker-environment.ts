/**
 * The Environment over dockerode: one container per instance, a persistent shell for the agent
 * (`run`), fresh processes for grading (`exec`), files through the archive API.
 */
import { posix } from 'node:path';
import Dockerode from 'dockerode';
import { HarnessError, InfrastructureError, InterruptedError } from '../../errors.js';
import type { Environment, ExecOptions, ExecResult, RunOptions, RunResult } from '../environment.js';
import { EnvironmentUnavailableError, FileNotFoundError, outOfMemoryMessage } from '../environment.js';
import { decodeUtf8 } from './capped-output.js';
import { MANAGED_LABEL, forceRemoveContainer, registerContainer, unregisterContainer } from './container-registry.js';
import { daemonMessage, isDaemonUnreachable, isNotFound, isPathRefusal, withDaemonRetry } from './docker-errors.js';
import { SIGKILL_EXIT, execProcess } from './exec-process.js';
import { assertLimitsApplied } from './limits-check.js';
import { startDockerShell } from './persistent-shell.js';
import { sweAgentStartupLines, type ShellSession } from '../shell-session.js';
import { KILL_PROCESS_TREE_SCRIPT } from './process-tree.js';
import { packTar, unpackTar } from './tar.js';

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
const MAX_SYMLINK_HOPS = 8;

export class DockerEnvironment implements Environment {
  private shell: ShellSession | undefined;
  private shellQueue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private oomKillsSeen = 0;

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
    const result = await this.guard(`exec ${argv[0] ?? ''}`, () =>
      execProcess(this.container, argv, {
        timeoutS: options.timeoutS,
        maxOutputBytes: options.maxOutputBytes ?? DEFAULT_EXEC_OUTPUT_BYTES,
        cwd: options.cwd ?? this.workdir,
        env: options.env,
        signal: options.signal,
      }),
    );
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
      const killed = await this.guard('checking for out-of-memory kills', () => this.newOomKills());
      return killed ? { ...decoded, outOfMemory: { limitBytes: this.memoryLimitBytes } } : decoded;
    }
    if (result.exitCode === SIGKILL_EXIT && !result.timedOut) await this.assertNoNewOomKill();
    return decoded;
  }

  readFile(path: string): Promise<Buffer> {
    return this.readFileFollowingLinks(path, 0);
  }

  private async readFileFollowingLinks(path: string, hops: number): Promise<Buffer> {
    this.assertOpen();
    const absolute = posix.resolve(this.workdir, path);
    let archive: Buffer;
    try {
      archive = await withDaemonRetry(`reading ${absolute}`, async () => collect(await this.container.getArchive({ path: absolute })));
    } catch (err) {
      if (isNotFound(err)) {
        await this.assertRunning();
        throw new FileNotFoundError(absolute);
      }
      if (isPathRefusal(err)) throw new HarnessError('read_failed', `cannot read ${absolute}: ${daemonMessage(err)}`, { cause: err });
      throw await this.unavailable(`reading ${absolute}`, err);
    }
    const entry = unpackTar(archive)[0];
    if (entry?.kind === 'file') return entry.content;
    if (entry?.kind === 'symlink' && hops < MAX_SYMLINK_HOPS) return this.readFileFollowingLinks(posix.resolve(posix.dirname(absolute), entry.target), hops + 1);
    throw new HarnessError('not_a_file', `${absolute} is not a regular file (${entry?.kind ?? 'empty archive'})`);
  }

  async writeFile(path: string, content: string | Buffer): Promise<void> {
    this.assertOpen();
    const absolute = posix.resolve(this.workdir, path);
    const tar = packTar([{ name: posix.basename(absolute), content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8') }]);
    const put = () => withDaemonRetry(`writing ${absolute}`, () => this.container.putArchive(tar, { path: posix.dirname(absolute) }));
    try {
      await put();
    } catch (err) {
      if (isPathRefusal(err)) throw new HarnessError('write_failed', `cannot write ${absolute}: ${daemonMessage(err)}`, { cause: err });
      if (!isNotFound(err)) throw await this.unavailable(`writing ${absolute}`, err);
      // The parent directory is missing (or the container is gone: mkdir then fails as such).
      const mkdir = await this.exec(['mkdir', '-p', posix.dirname(absolute)], { cwd: '/' });
      if (mkdir.exitCode !== 0) throw new HarnessError('write_failed', `cannot create ${posix.dirname(absolute)}: ${mkdir.output.trim()}`);
      await put().catch(async (retryErr: unknown) => {
        throw await this.unavailable(`writing ${absolute}`, retryErr);
      });
    }
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
      try {
        await withDaemonRetry('removing container', () => forceRemoveContainer(this.docker, this.container.id));
        unregisterContainer(this.container.id);
      } finally {
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

  /**
   * Exit 137 is SIGKILL; the container's memory cgroup counts OOM kills (cgroup v1
   * memory.oom_control, v2 memory.events), which tells a kernel OOM kill from a plain `kill -9`.
   */
  private async assertNoNewOomKill(): Promise<void> {
    await this.assertRunning();
    if (await this.newOomKills()) {
      throw new EnvironmentUnavailableError(`${outOfMemoryMessage(this.memoryLimitBytes)}: the kernel killed the command (exit 137)`, { code: 'oom' });
    }
  }

  /**
   * Whether the container's memory cgroup counted an OOM kill since the last look. The daemon's
   * State.OOMKilled only turns true when the container itself dies; a killed child of a running
   * container shows only in the cgroup's counter.
   */
  private async newOomKills(): Promise<boolean> {
    const probe = await execProcess(this.container, ['sh', '-c', 'cat /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events 2>/dev/null'], {
      cwd: '/',
      maxOutputBytes: 64 * 1024,
      timeoutS: 30,
    });
    const count = Number(/oom_kill (\d+)/.exec(decodeUtf8(probe.output.toBuffer()))?.[1] ?? 0);
    if (count <= this.oomKillsSeen) return false;
    this.oomKillsSeen = count;
    return true;
  }
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
