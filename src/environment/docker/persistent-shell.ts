/**
 * One interactive bash per container, attached over the Docker API (an exec with a pty and stdin
 * hijacked), like SWE-ReX's session: `cd` and exports persist, and a timeout sends Ctrl-C through
 * the pty, which the kernel delivers as SIGINT to the running command's process group while bash
 * abandons the rest of the command line.
 *
 * Protocol: the shell is sent one short line that evals the command with stdin from /dev/null,
 * then prints `__SERA_DONE_<nonce>_<n> <exit code>`. A command travels base64-encoded on that line
 * when it fits (most do); a longer one is written to a file with the archive API first, because a
 * pty's line buffer truncates lines over 4096 bytes, and that copy costs as much as the command.
 * The marker is printed with printf from separate words so it never appears in the input itself.
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import type { RunResult } from '../environment.js';
import { EnvironmentUnavailableError } from '../environment.js';
import { decodeBackslashReplace } from '../backslash-replace.js';
import { CappedOutput } from './capped-output.js';
import { statusCodeOf } from './docker-errors.js';

const COMMAND_FILE = '/tmp/.sera-eval/command';
/** Base64 characters sent on the command line; the line stays well under the pty's 4096 bytes. */
const INLINE_LIMIT = 3000;
const RUN_OUTPUT_CAP_BYTES = 16 * 1024 * 1024;
const START_TIMEOUT_MS = 30_000;
const TERMINAL_ROWS = 24;
const TERMINAL_COLUMNS = 80;
/** How long an interrupted command gets to return to the prompt before the next escalation. */
const RECOVERY_WAIT_MS = 5_000;
/** Kept unscanned at the end of the buffer in case a marker is split across two chunks. */
const LOOKBEHIND_BYTES = 128;

/** What the shell needs from its container besides the pty. */
export interface ShellHost {
  container: Dockerode.Container;
  writeFile(path: string, content: string): Promise<void>;
  /** SIGKILL every process descended from `pid` (and `pid` itself when `includeRoot`). */
  killProcessTree(pid: number, includeRoot: boolean): Promise<void>;
}

interface PendingCommand {
  id: number;
  output: CappedOutput;
  resolve: (result: { output: string; exitCode: number }) => void;
}

export class PersistentShell {
  private buffer = Buffer.alloc(0);
  private pending: PendingCommand | undefined;
  private counter = 0;
  private readonly nonce = randomBytes(8).toString('hex');
  private readyResolve: ((pid: number) => void) | undefined;
  private shellPid = 0;
  /** False once bash has exited or was killed; the owner then starts a new shell. */
  alive = true;

  private constructor(
    private readonly host: ShellHost,
    private readonly exec: Dockerode.Exec,
    private readonly stream: Duplex,
  ) {
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('end', () => this.onEnd());
    stream.on('close', () => this.onEnd());
    stream.on('error', () => this.onEnd());
  }

  static async start(host: ShellHost, workdir: string, env: Record<string, string>): Promise<PersistentShell> {
    const exec = await host.container.exec({
      Cmd: ['bash', '--noediting', '--noprofile', '--norc', '-i'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      WorkingDir: workdir,
      Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    });
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
    // pexpect's default window, which SWE-ReX's shell has: programs that size their output by the
    // terminal (pytest's separator lines) print what SWE-agent's model saw.
    await exec.resize({ h: TERMINAL_ROWS, w: TERMINAL_COLUMNS }).catch((err: unknown) => {
      // podman answers an exec resize with 201 where Docker answers 200
      // (podman pkg/api/handlers/compat/resize.go); docker-modem rejects any status it did not expect.
      if (statusCodeOf(err) !== 201) throw err;
    });
    const shell = new PersistentShell(host, exec, stream);
    await shell.handshake();
    return shell;
  }

  private async handshake(): Promise<void> {
    const ready = new Promise<number>((resolve) => (this.readyResolve = resolve));
    this.write(
      [
        "stty -echo -onlcr 2>/dev/null; PS1=''; PS2=''; PS0=''; PROMPT_COMMAND=''; set +H; unset HISTFILE",
        `__sera_run() { eval "$(cat ${COMMAND_FILE})" < /dev/null; }`,
        // shift: the command must see no positional parameters, as with __sera_run
        `__sera_run_inline() { local __sera_cmd; __sera_cmd="$(printf '%s' "$1" | base64 -d)"; shift; eval "$__sera_cmd" < /dev/null; }`,
        `printf '%s_%s %d\\n' __SERA_READY ${this.nonce} $$`,
      ].join('; ') + '\n',
    );
    const timeout = sleep(START_TIMEOUT_MS).then(() => undefined);
    const pid = await Promise.race([ready, timeout]);
    if (pid === undefined || !this.alive) {
      this.stream.destroy();
      throw new EnvironmentUnavailableError(`the shell did not start within ${START_TIMEOUT_MS / 1000} s`);
    }
    this.shellPid = pid;
  }

  /**
   * Run one command. Never rejects for the command's own failure; a timeout interrupts it, and
   * when the shell does not come back even after the command's processes are killed, the shell
   * is killed and `shellRestarted` tells the caller to start a new one.
   */
  async run(command: string, timeoutS: number, signal?: AbortSignal): Promise<RunResult> {
    if (!this.alive) throw new EnvironmentUnavailableError('the shell has exited');
    const encoded = Buffer.from(command).toString('base64');
    const inline = encoded.length <= INLINE_LIMIT;
    if (!inline) await this.host.writeFile(COMMAND_FILE, command);
    const id = ++this.counter;
    const done = new Promise<{ output: string; exitCode: number }>((resolve) => {
      this.pending = { id, output: new CappedOutput(RUN_OUTPUT_CAP_BYTES), resolve };
    });
    const invoke = inline ? `__sera_run_inline ${encoded}` : '__sera_run';
    this.write(`${invoke}; printf '%s_%s %d\\n' __SERA_DONE ${this.nonce}_${id} $?\n`);

    let interrupted: 'timeout' | 'signal' | undefined;
    const timer = setTimeout(() => (interrupted ??= 'timeout'), timeoutS * 1000);
    const onAbort = (): void => void (interrupted ??= 'signal');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const outcome = await Promise.race([done, this.waitUntil(() => interrupted !== undefined)]);
      if (outcome) return { ...outcome, timedOut: false };
      const recovered = await this.recover(id, done);
      if (recovered) return { ...recovered, timedOut: interrupted === 'timeout' };
      const partial = this.takePartialOutput();
      await this.kill();
      return { output: partial, exitCode: 130, timedOut: interrupted === 'timeout', shellRestarted: true };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Ctrl-C, then SIGKILL to the command's processes; each followed by a line that prints the marker. */
  private async recover(id: number, done: Promise<{ output: string; exitCode: number }>) {
    const escalations: Array<() => Promise<void>> = [
      async () => this.write('\u0003'),
      async () => {
        this.write('\u0003');
        await this.host.killProcessTree(this.shellPid, false);
      },
    ];
    for (const escalate of escalations) {
      if (!this.alive) return undefined;
      await escalate();
      // Ctrl-C flushes the pty's input queue, so the marker line must come after it is handled.
      await sleep(300);
      this.write(`printf '%s_%s %d\\n' __SERA_DONE ${this.nonce}_${id} 130\n`);
      const outcome = await Promise.race([done, sleep(RECOVERY_WAIT_MS).then(() => undefined)]);
      if (outcome) return outcome;
    }
    return undefined;
  }

  /** Kill bash and everything it started; the stream is closed. */
  async kill(): Promise<void> {
    this.alive = false;
    if (this.shellPid) await this.host.killProcessTree(this.shellPid, true).catch(() => undefined);
    this.stream.destroy();
  }

  private write(text: string): void {
    if (this.alive) this.stream.write(text);
  }

  private waitUntil(condition: () => boolean): Promise<undefined> {
    return new Promise((resolve) => {
      const poll = setInterval(() => {
        if (condition() || !this.pending) {
          clearInterval(poll);
          resolve(undefined);
        }
      }, 50);
    });
  }

  private takePartialOutput(): string {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return '';
    pending.output.push(this.buffer);
    this.buffer = Buffer.alloc(0);
    return decodeBackslashReplace(pending.output.toBuffer());
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (this.readyResolve) {
      const match = new RegExp(`__SERA_READY_${this.nonce} (\\d+)\\n`).exec(this.buffer.toString('latin1'));
      if (!match) return;
      this.buffer = this.buffer.subarray(match.index + match[0].length);
      const resolve = this.readyResolve;
      this.readyResolve = undefined;
      resolve(Number(match[1]));
    }
    this.scanForMarkers();
  }

  private scanForMarkers(): void {
    const markers = new RegExp(`__SERA_DONE_${this.nonce}_(\\d+) (\\d+)\\n`, 'g');
    for (;;) {
      markers.lastIndex = 0;
      const match = markers.exec(this.buffer.toString('latin1'));
      if (!match) break;
      const before = this.buffer.subarray(0, match.index);
      this.buffer = this.buffer.subarray(match.index + match[0].length);
      const pending = this.pending;
      // A marker of an earlier command is the spare line sent while recovering from a timeout.
      if (!pending || Number(match[1]) !== pending.id) continue;
      pending.output.push(before);
      this.pending = undefined;
      pending.resolve({ output: decodeBackslashReplace(pending.output.toBuffer()), exitCode: Number(match[2]) });
    }
    if (this.pending && this.buffer.length > LOOKBEHIND_BYTES) {
      const keepFrom = this.buffer.length - LOOKBEHIND_BYTES;
      this.pending.output.push(this.buffer.subarray(0, keepFrom));
      this.buffer = Buffer.from(this.buffer.subarray(keepFrom));
    } else if (!this.pending && this.buffer.length > LOOKBEHIND_BYTES) {
      // Output nobody waits for (a background job printing between commands) is dropped.
      this.buffer = Buffer.from(this.buffer.subarray(this.buffer.length - LOOKBEHIND_BYTES));
    }
  }

  private onEnd(): void {
    if (!this.alive) return;
    this.alive = false;
    this.readyResolve?.(0);
    const pending = this.pending;
    if (!pending) return;
    void this.exec
      .inspect()
      .then((info) => info.ExitCode ?? 1)
      .catch(() => 1)
      .then((exitCode) => {
        if (this.pending !== pending) return;
        pending.resolve({ output: this.takePartialOutput(), exitCode });
      });
  }
}
