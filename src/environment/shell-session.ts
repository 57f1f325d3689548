/**
 * SWE-ReX's `BashSession` (swerex/runtime/local.py) as the model sees it: an interactive bash on a
 * pty with readline and history expansion, each action typed as text (after bash-split's join), so a
 * literal TAB completes, `!x` expands, and a command that reads stdin reads the terminal until its
 * timeout. Output is decoded UTF-8/backslashreplace, stripped of ANSI escapes with upstream's pattern
 * (local.py 96-98) and of SWE-ReX's own PS1 and end marker, as `_run_normal` does.
 *
 * Framing: PROMPT_COMMAND prints `__SERA_PROMPT_<nonce> <exit code> <ps1 flag>` before each prompt,
 * then readline prints PS1 (`SHELLPS1PREFIX`, upstream's); a command is done when both arrived, so the
 * next text is typed only once readline owns the terminal in raw mode (no 4096-byte canonical line
 * limit). Text printed between the marker and PS1 (a `(venv) ` prefix a command put on PS1) belongs
 * to the command, as pexpect's `before` would have it. After each command the line SWE-ReX sends for
 * the exit code (`echo EXITCODESTART$?EXITCODEEND`) is typed too, so `$?`, `$_` and history (`!!`)
 * are what they were upstream; the next command waits for it, not the caller.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeBackslashReplace } from './backslash-replace.js';
import { FALLBACK_UNIQUE_STRING, shellInputFor } from './bash-split.js';
import { CappedOutput } from './docker/capped-output.js';
import type { RunResult } from './environment.js';
import { EnvironmentUnavailableError } from './environment.js';

/** SWE-ReX's prompt (`BashSession._ps1`). */
export const SWE_REX_PS1 = 'SHELLPS1PREFIX';
const EXIT_CODE_LINE = '\necho EXITCODESTART$?EXITCODEEND\n';
const EXIT_CODE_END = 'EXITCODEEND';
/** pexpect.spawn's default window (rows, columns). */
const TERMINAL_ROWS = 24;
const TERMINAL_COLUMNS = 80;
const RUN_OUTPUT_CAP_BYTES = 16 * 1024 * 1024;
const START_TIMEOUT_MS = 30_000;
const EXIT_CODE_TIMEOUT_MS = 60_000;
/** How long an interrupted command gets to return to the prompt before the next escalation. */
const RECOVERY_WAIT_MS = 5_000;
/** After an interrupt, output is eaten this long (SWE-ReX `_eat_following_output` waits 0.5 s). */
const EAT_FOLLOWING_OUTPUT_MS = 500;
/** Kept unscanned at the end of the buffer in case a marker is split across two chunks. */
const LOOKBEHIND_BYTES = 256;
/** For a timeout raced against the shell: it must not hold the process open once the race is decided. */
const UNREF = { ref: false };

const HISTORY_ERROR_THEN_PS1 = new RegExp(
  `: (?:event not found|bad word specifier|substitution failed|unrecognized history modifier|no previous substitution|unknown expansion error)\\r?\\n${SWE_REX_PS1}`,
);
const ANSI_ESCAPE = /\x1B[@-_][0-?]*[ -/]*[@-~]/g;

/** `_strip_control_chars` (local.py 96-98) plus the removal of PS1 and the end marker (`_run_normal`). */
export function cleanShellOutput(text: string): string {
  return text.replace(ANSI_ESCAPE, '').replaceAll('\r\n', '\n').replaceAll(FALLBACK_UNIQUE_STRING, '').replaceAll(SWE_REX_PS1, '');
}

/**
 * What SWE-agent types after spawning the shell. `startupSource`: SWE-ReX's `startup_source`
 * (SWE-agent passes ["/root/.bashrc"], sweagent/environment/swe_env.py 186).
 */
export function sweAgentStartupLines(startupSource: string[]): string[] {
  return [
    // BashSession.start (its `sleep 0.3` only waits)
    [...startupSource.map((path) => `source ${path}`), `export PS1='${SWE_REX_PS1}'`, "export PS2=''", "export PS0=''"].join(' ; '),
    // swe_env.py 189
    'export LANG=C.UTF-8 && export LC_ALL=C.UTF-8 && export PIP_PROGRESS_BAR=off && export PAGER=cat',
    // ToolConfig.env_variables (sweagent/tools/tools.py 94-101), exported by ToolHandler before and after installing
    'export PAGER=cat && export MANPAGER=cat && export LESS=-R && export PIP_PROGRESS_BAR=off && export TQDM_DISABLE=1 && export GIT_PAGER=cat',
    // SERA's bundles in order (tools.py 299: PATH per bundle; tools/registry/install.sh: PYTHONPATH). Their
    // programs run on the host here, so the directories are absent, but the variables read the same.
    'export PATH=/root/tools/registry/bin:$PATH && export PYTHONPATH="/root/tools/registry/lib":$PYTHONPATH' +
      ' && export PATH=/root/tools/edit_anthropic/bin:$PATH && export PATH=/root/tools/review_on_submit_m/bin:$PATH' +
      ' && export PATH=/root/tools/diff_state/bin:$PATH',
  ];
}

/** A pty with bash at the other end: Docker's exec stream or a local `script`. */
export interface ShellTransport {
  write(text: string): void;
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the stream ends. */
  onEnd(listener: () => void): void;
  /** SIGKILL every process descended from `pid` (and `pid` itself when `includeRoot`). */
  killProcessTree(pid: number, includeRoot: boolean): Promise<void>;
  /** The shell's exit status once it has ended. */
  exitCode(): Promise<number>;
  destroy(): void;
}

interface Waiter {
  /** Text that must appear before the marker that ends the wait (a fallback's end marker). */
  requires: string | undefined;
  seenRequired: boolean;
  output: CappedOutput;
  marker: { exitCode: number; awaitPs1: boolean } | undefined;
  resolve: (result: { output: Buffer; exitCode: number }) => void;
}

export class ShellSession {
  private buffer: Buffer = Buffer.alloc(0);
  /** Output that arrived between commands: pexpect would show it before the next command's. */
  private carried = new CappedOutput(RUN_OUTPUT_CAP_BYTES);
  private waiter: Waiter | undefined;
  /** Resolves true once SWE-ReX's exit-code line is back at the prompt, false when it never came. */
  private exitCodeLine: Promise<boolean> = Promise.resolve(true);
  private readonly nonce = randomBytes(8).toString('hex');
  private readonly markerPattern = new RegExp(`__SERA_PROMPT_${this.nonce} (\\d+) ([01])\\r?\\n`);
  private shellPid = 0;
  /** `$?` at the prompt: 0 after SWE-ReX's exit-code line, the interrupted command's after a timeout. */
  private lastExitCode = 0;
  /** False once bash has exited or was killed; the owner then starts a new shell. */
  alive = true;

  private constructor(private readonly transport: ShellTransport) {
    transport.onData((chunk) => this.onData(chunk));
    transport.onEnd(() => this.onEnd());
  }

  /** @throws EnvironmentUnavailableError when bash does not come up. */
  static async start(transport: ShellTransport, startupLines: string[]): Promise<ShellSession> {
    const session = new ShellSession(transport);
    await session.handshake(startupLines);
    return session;
  }

  private async handshake(startupLines: string[]): Promise<void> {
    const ready = `__SERA_READY_${this.nonce}`;
    const done = this.expect(ready);
    this.transport.write(
      [
        // pexpect spawns with echo off; a pipe-fed `script` pty has no size, pexpect's is 24x80
        `stty -echo rows ${TERMINAL_ROWS} columns ${TERMINAL_COLUMNS} 2>/dev/null; ` +
          `__sera_prompt() { local __sera_rc=$?; case $PS1 in *${SWE_REX_PS1}*) printf '__SERA_PROMPT_%s %d 1\\n' ${this.nonce} "$__sera_rc";; ` +
          `*) printf '__SERA_PROMPT_%s %d 0\\n' ${this.nonce} "$__sera_rc";; esac; }; PROMPT_COMMAND=__sera_prompt`,
        ...startupLines,
        `printf '%s_%s %d\\n' __SERA_READY ${this.nonce} $$`,
      ].join('\n') + '\n',
    );
    const started = await Promise.race([done, sleep(START_TIMEOUT_MS, undefined, UNREF).then(() => undefined)]);
    const pid = started && new RegExp(`${ready} (\\d+)`).exec(started.output.toString('latin1'))?.[1];
    if (!pid || !this.alive) {
      this.transport.destroy();
      throw new EnvironmentUnavailableError(`the shell did not start within ${START_TIMEOUT_MS / 1000} s`);
    }
    this.shellPid = Number(pid);
  }

  /**
   * Run one command. Never rejects for the command's own failure; a timeout interrupts it (Ctrl-C
   * through the pty, then SIGKILL to its processes), and when the shell does not come back the
   * shell is killed and `shellRestarted` tells the caller to start a new one.
   */
  async run(command: string, timeoutS: number, signal?: AbortSignal): Promise<RunResult> {
    if (!(await this.exitCodeLine) && this.alive) {
      // The shell never came back to its prompt after the last command (PROMPT_COMMAND replaced?).
      await this.kill();
      return { output: '', exitCode: 130, timedOut: true, shellRestarted: true };
    }
    if (!this.alive) throw new EnvironmentUnavailableError('the shell has exited');
    const input = shellInputFor(command);
    const done = this.expect(input.fallback ? FALLBACK_UNIQUE_STRING : undefined);
    this.transport.write(input.text + '\n');

    let interrupted: 'timeout' | 'signal' | undefined;
    const timer = setTimeout(() => (interrupted ??= 'timeout'), timeoutS * 1000);
    const onAbort = (): void => void (interrupted ??= 'signal');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const finished = await Promise.race([done, this.waitUntil(() => interrupted !== undefined)]);
      if (finished) {
        if (this.alive) this.exitCodeLine = this.typeExitCodeLine();
        return { output: this.show(finished.output), exitCode: finished.exitCode, timedOut: false };
      }
      const recovered = await this.recover(done);
      if (recovered) return { output: this.show(recovered.output), exitCode: recovered.exitCode, timedOut: interrupted === 'timeout' };
      const partial = this.takePartialOutput();
      await this.kill();
      return { output: this.show(partial), exitCode: 130, timedOut: interrupted === 'timeout', shellRestarted: true };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Kill bash and everything it started; the stream is closed. */
  async kill(): Promise<void> {
    this.alive = false;
    if (this.shellPid) await this.transport.killProcessTree(this.shellPid, true).catch(() => undefined);
    this.transport.destroy();
  }

  private show(bytes: Buffer): string {
    return cleanShellOutput(decodeBackslashReplace(bytes));
  }

  /** SWE-ReX's exit-code line; what it prints is not shown, anything before it goes to the next output. */
  private async typeExitCodeLine(): Promise<boolean> {
    const done = this.expect(EXIT_CODE_END);
    this.transport.write(EXIT_CODE_LINE);
    const finished = await Promise.race([done, sleep(EXIT_CODE_TIMEOUT_MS, undefined, UNREF).then(() => undefined)]);
    if (!finished) return false;
    const text = finished.output.toString('latin1');
    const before = text.slice(0, Math.max(0, text.indexOf('EXITCODESTART')));
    this.carried.push(Buffer.from(before, 'latin1'));
    return true;
  }

  /** Ctrl-C, then SIGKILL to the command's processes; any prompt then ends the wait. */
  private async recover(done: Promise<{ output: Buffer; exitCode: number }>) {
    const escalations: Array<() => Promise<void>> = [
      async () => this.transport.write('\u0003'),
      async () => {
        this.transport.write('\u0003');
        await this.transport.killProcessTree(this.shellPid, false);
      },
    ];
    for (const escalate of escalations) {
      if (!this.alive) return undefined;
      if (this.waiter) this.waiter.requires = undefined;
      await escalate();
      const outcome = await Promise.race([done, sleep(RECOVERY_WAIT_MS, undefined, UNREF).then(() => undefined)]);
      if (outcome) {
        // A Ctrl-C that met the prompt prints one more; eat it, as SWE-ReX's interrupt does.
        await sleep(EAT_FOLLOWING_OUTPUT_MS);
        this.buffer = Buffer.alloc(0);
        this.carried = new CappedOutput(RUN_OUTPUT_CAP_BYTES);
        return outcome;
      }
    }
    return undefined;
  }

  private expect(requires: string | undefined): Promise<{ output: Buffer; exitCode: number }> {
    return new Promise((resolve) => {
      const output = new CappedOutput(RUN_OUTPUT_CAP_BYTES);
      output.push(this.carried.toBuffer());
      this.carried = new CappedOutput(RUN_OUTPUT_CAP_BYTES);
      this.waiter = { requires, seenRequired: false, output, marker: undefined, resolve };
      this.scan();
    });
  }

  private waitUntil(condition: () => boolean): Promise<undefined> {
    return new Promise((resolve) => {
      const poll = setInterval(() => {
        if (condition() || !this.waiter) {
          clearInterval(poll);
          resolve(undefined);
        }
      }, 50);
    });
  }

  private takePartialOutput(): Buffer {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (!waiter) return Buffer.alloc(0);
    waiter.output.push(this.buffer);
    this.buffer = Buffer.alloc(0);
    return waiter.output.toBuffer();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.scan();
  }

  private scan(): void {
    for (;;) {
      const waiter = this.waiter;
      if (!waiter) {
        if (this.buffer.length > 0) this.carried.push(this.buffer);
        this.buffer = Buffer.alloc(0);
        return;
      }
      if (waiter.marker) {
        if (!this.finishAtPs1(waiter)) return;
        continue;
      }
      const match = this.markerPattern.exec(this.buffer.toString('latin1'));
      const before = this.buffer.subarray(0, match ? match.index : this.buffer.length);
      // Only text before the marker counts; without a marker the whole buffer precedes any to come.
      if (waiter.requires && !waiter.seenRequired && before.includes(waiter.requires)) waiter.seenRequired = true;
      if (!match) {
        if (!waiter.requires && this.finishAfterHistoryError(waiter)) continue;
        if (this.buffer.length > LOOKBEHIND_BYTES) {
          const keepFrom = this.buffer.length - LOOKBEHIND_BYTES;
          waiter.output.push(this.buffer.subarray(0, keepFrom));
          this.buffer = Buffer.from(this.buffer.subarray(keepFrom));
        }
        return;
      }
      waiter.output.push(before);
      this.buffer = this.buffer.subarray(match.index + match[0].length);
      // A prompt before the required text is one line of a multi-line fallback, not the end.
      if (waiter.requires && !waiter.seenRequired) continue;
      waiter.marker = { exitCode: Number(match[1]), awaitPs1: match[2] === '1' };
    }
  }

  /**
   * A failed history expansion discards the line and bash prompts again without running
   * PROMPT_COMMAND (parse.y shell_getc), so only its message (lib/readline/histexpand.c hist_error)
   * and PS1 arrive; `$?` is unchanged.
   */
  private finishAfterHistoryError(waiter: Waiter): boolean {
    const match = HISTORY_ERROR_THEN_PS1.exec(this.buffer.toString('latin1'));
    if (!match) return false;
    const end = match.index + match[0].length;
    waiter.output.push(this.buffer.subarray(0, end - SWE_REX_PS1.length));
    this.buffer = this.buffer.subarray(end);
    this.waiter = undefined;
    waiter.resolve({ output: waiter.output.toBuffer(), exitCode: this.lastExitCode });
    return true;
  }

  /** After the marker: the text up to PS1 is the command's too; false while PS1 has not arrived. */
  private finishAtPs1(waiter: Waiter): boolean {
    const marker = waiter.marker!;
    if (marker.awaitPs1) {
      const at = this.buffer.indexOf(SWE_REX_PS1);
      if (at < 0) return false;
      waiter.output.push(this.buffer.subarray(0, at));
      this.buffer = this.buffer.subarray(at + SWE_REX_PS1.length);
    }
    this.waiter = undefined;
    this.lastExitCode = marker.exitCode;
    waiter.resolve({ output: waiter.output.toBuffer(), exitCode: marker.exitCode });
    return true;
  }

  private onEnd(): void {
    if (!this.alive) return;
    this.alive = false;
    const waiter = this.waiter;
    if (!waiter) return;
    void this.transport
      .exitCode()
      .catch(() => 1)
      .then((exitCode) => {
        if (this.waiter !== waiter) return;
        waiter.resolve({ output: this.takePartialOutput(), exitCode });
      });
  }
}
