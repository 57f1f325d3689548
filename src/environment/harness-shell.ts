/**
 * The harness's own shell in a sandbox: one non-interactive bash with stdin/stdout pipes, started
 * once, through which the harness runs its per-step processes (the `bash -n` check, the diff after
 * each step, the editor's path checks, reads and writes) instead of paying a fresh `docker exec`
 * (~150-250 ms on a loaded machine) for each. It is not the model's shell: nothing typed here reaches
 * the model's history, `$?`, cwd or variables, as SWE-ReX ran `bash -n` as a separate process
 * (swerex/runtime/local.py `_check_bash_command`).
 *
 * Each request is a line `__sera_req ID WORDS_BYTES STDIN_BYTES`, then WORDS_BYTES of single-quoted
 * words (the directory, then argv), then STDIN_BYTES raw bytes for the command's stdin (a file to
 * write). bash reads a pipe one byte at a time, so `head -c` takes exactly each part, and the rest of
 * the stdin bytes is drained even when the command does not read them. The words travel apart from the
 * line because bash parses its own input byte by byte (a 100 KB command to check took 180 ms as part
 * of the line, 20 ms through `head` and `eval`). Each request runs as a fresh process in a subshell (no
 * state carries over), stdout and stderr merged and base64-encoded (`-w0`: no newline), so binary
 * output and invalid UTF-8 arrive intact and the framing lines cannot be forged:
 *
 *     B<id>\n  <base64 of the output>\n  E<id> <exit code>\n
 */
import { CappedOutput } from './docker/capped-output.js';
import { endedByTimeout, underTimeout } from './in-sandbox-timeout.js';

/** A pipe pair to a `bash` in the sandbox (a `docker exec` without a tty, or a local process). */
export interface HarnessTransport {
  write(data: string | Buffer): void;
  onStdout(listener: (chunk: Buffer) => void): void;
  /** Called once when the process's streams end. */
  onEnd(listener: () => void): void;
  /** SIGKILL the harness bash (`pid`) and everything it started; the streams are then destroyed. */
  kill(pid: number): Promise<void>;
  /** Close the streams without killing anything (the sandbox is being removed). */
  destroy(): void;
}

export interface HarnessRequest {
  argv: string[];
  cwd: string;
  /** Enforced inside the sandbox by `timeout -k 5`, as `Environment.exec` does. */
  timeoutS?: number;
  env?: Record<string, string>;
  stdin?: Buffer;
  maxOutputBytes: number;
  signal?: AbortSignal;
}

export interface HarnessResult {
  output: CappedOutput;
  exitCode: number;
  /** The in-sandbox timeout fired (exit 124 or 137 after the time ran out), or the host gave up waiting. */
  timedOut: boolean;
}

/** The harness shell died during a request; `started` says whether the command had begun. */
export class HarnessShellExitedError extends Error {
  constructor(readonly started: boolean) {
    super(started ? 'the harness shell exited while running a command' : 'the harness shell exited before running a command');
    this.name = 'HarnessShellExitedError';
  }
}

const START_TIMEOUT_MS = 30_000;
/** How long after the in-sandbox timeout should have fired the host stops waiting (await-process-end.ts). */
const HOST_GRACE_MS = 30_000;

/**
 * `pipefail` makes the status the command's: `head` and `base64` exit 0, and the drain after the
 * command keeps `head` from a SIGPIPE. `cd` inside the subshell: a missing directory is the
 * command's failure, like a process that could not start.
 */
const BOOTSTRAP = `set +o history +o histexpand; set -o pipefail
__sera_req() {
  local id=$1 stdin_bytes=$3 words
  words=$(head -c "$2")
  eval "set -- $words"
  local cwd=$1
  shift
  printf 'B%s\\n' "$id"
  head -c "$stdin_bytes" | { (cd -- "$cwd" && exec "$@") 2>&1; __sera_rc=$?; cat >/dev/null; exit $__sera_rc; } | base64 -w0
  printf '\\nE%s %d\\n' "$id" "$?"
}
`;

/** POSIX single quotes: every byte literal, `'` written as `'\\''`. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

interface Pending {
  id: number;
  started: boolean;
  /** Base64 text not yet decoded (fewer than four characters, or a whole line in progress). */
  base64: string;
  dataDone: boolean;
  output: CappedOutput;
  resolve: (exitCode: number) => void;
  reject: (err: Error) => void;
}

export class HarnessShell {
  private buffer = '';
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private pid = 0;
  private ready: ((pid: number) => void) | undefined;
  /** False once the process ended or was killed; the owner then starts a new one. */
  alive = true;

  private constructor(private readonly transport: HarnessTransport) {
    transport.onStdout((chunk) => this.onData(chunk));
    transport.onEnd(() => this.onEnd());
  }

  /** @throws HarnessShellExitedError when bash does not come up within 30 s. */
  static async start(transport: HarnessTransport): Promise<HarnessShell> {
    const shell = new HarnessShell(transport);
    const ready = new Promise<number>((resolve) => (shell.ready = resolve));
    transport.write(`${BOOTSTRAP}printf 'R%s\\n' "$$"\n`);
    let timer: NodeJS.Timeout | undefined;
    const pid = await Promise.race([ready, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), START_TIMEOUT_MS)))]);
    clearTimeout(timer);
    if (pid === undefined || !shell.alive) {
      shell.alive = false;
      await transport.kill(0).catch(() => undefined);
      throw new HarnessShellExitedError(false);
    }
    shell.pid = pid;
    return shell;
  }

  /**
   * Run one process; calls queue up in order. Resolves with exit code -1 when the caller aborted or
   * the host gave up waiting; the harness shell is then killed, because its child may still run.
   * @throws HarnessShellExitedError when the shell died (or was dead) before the command finished.
   */
  exec(request: HarnessRequest): Promise<HarnessResult> {
    const next = this.queue.then(() => this.execNow(request));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Kill bash and everything it started. */
  async kill(): Promise<void> {
    this.alive = false;
    await this.transport.kill(this.pid).catch(() => undefined);
  }

  /** Close the streams; for a sandbox about to be removed, whose removal ends the processes. */
  detach(): void {
    this.alive = false;
    this.transport.destroy();
  }

  private async execNow(request: HarnessRequest): Promise<HarnessResult> {
    if (!this.alive) throw new HarnessShellExitedError(false);
    const output = new CappedOutput(request.maxOutputBytes);
    if (request.signal?.aborted) return { output, exitCode: -1, timedOut: false };
    const id = this.nextId++;
    const withEnv = request.env && Object.keys(request.env).length > 0 ? ['env', ...Object.entries(request.env).map(([k, v]) => `${k}=${v}`), ...request.argv] : request.argv;
    const stdin = request.stdin ?? Buffer.alloc(0);
    const words = Buffer.from([request.cwd, ...underTimeout(withEnv, request.timeoutS)].map(shellQuote).join(' '), 'utf8');

    const finished = new Promise<number>((resolve, reject) => {
      this.pending = { id, started: false, base64: '', dataDone: false, output, resolve, reject };
    });
    const started = Date.now();
    this.transport.write(Buffer.concat([Buffer.from(`__sera_req ${id} ${words.length} ${stdin.length}\n`), words, stdin]));

    let giveUp: 'signal' | 'host-timeout' | undefined;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<undefined>((resolve) => {
      onAbort = () => {
        giveUp ??= 'signal';
        resolve(undefined);
      };
      if (request.signal?.aborted) onAbort();
      request.signal?.addEventListener('abort', onAbort, { once: true });
      if (request.timeoutS !== undefined) {
        timer = setTimeout(() => {
          giveUp ??= 'host-timeout';
          resolve(undefined);
        }, request.timeoutS * 1000 + HOST_GRACE_MS);
      }
    });
    try {
      const exitCode = await Promise.race([finished, stopped]);
      if (exitCode === undefined) {
        this.pending = undefined;
        await this.kill();
        return { output, exitCode: -1, timedOut: giveUp === 'host-timeout' };
      }
      return { output, exitCode, timedOut: endedByTimeout(exitCode, started, request.timeoutS) };
    } finally {
      clearTimeout(timer);
      if (onAbort) request.signal?.removeEventListener('abort', onAbort);
    }
  }

  private onData(chunk: Buffer): void {
    // Everything bash prints here is ASCII (markers and base64).
    this.buffer += chunk.toString('latin1');
    for (;;) {
      if (this.ready) {
        const newline = this.buffer.indexOf('\n');
        if (newline < 0) return;
        const match = /^R(\d+)$/.exec(this.buffer.slice(0, newline));
        this.buffer = this.buffer.slice(newline + 1);
        if (match) {
          this.ready(Number(match[1]));
          this.ready = undefined;
        }
        continue;
      }
      const pending = this.pending;
      if (!pending) {
        this.buffer = '';
        return;
      }
      if (!pending.started) {
        const newline = this.buffer.indexOf('\n');
        if (newline < 0) return;
        if (this.buffer.slice(0, newline) === `B${pending.id}`) pending.started = true;
        this.buffer = this.buffer.slice(newline + 1);
        continue;
      }
      if (!pending.dataDone) {
        const newline = this.buffer.indexOf('\n');
        const data = newline < 0 ? this.buffer : this.buffer.slice(0, newline);
        this.buffer = newline < 0 ? '' : this.buffer.slice(newline + 1);
        this.decode(pending, data, newline >= 0);
        if (newline < 0) return;
        pending.dataDone = true;
        continue;
      }
      const newline = this.buffer.indexOf('\n');
      if (newline < 0) return;
      const end = new RegExp(`^E${pending.id} (\\d+)$`).exec(this.buffer.slice(0, newline));
      this.buffer = this.buffer.slice(newline + 1);
      if (!end) continue;
      this.pending = undefined;
      pending.resolve(Number(end[1]));
    }
  }

  /** Decodes whole four-character groups as they arrive, so memory stays at the output cap. */
  private decode(pending: Pending, data: string, last: boolean): void {
    const text = pending.base64 + data;
    const whole = last ? text.length : text.length - (text.length % 4);
    if (whole > 0) pending.output.push(Buffer.from(text.slice(0, whole), 'base64'));
    pending.base64 = text.slice(whole);
  }

  private onEnd(): void {
    this.alive = false;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new HarnessShellExitedError(pending.started));
  }
}
