/**
 * One fresh process per call (`docker exec`), its output streamed through a bounded collector.
 * The timeout is enforced inside the container by coreutils `timeout`, which signals the whole
 * process group (`-k 5`: SIGKILL five seconds after SIGTERM); a host-side timer alone would only
 * stop listening and leave the process tree running.
 */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import { awaitProcessEnd } from '../await-process-end.js';
import { CappedOutput } from './capped-output.js';

/** Exit status of coreutils `timeout` when the time ran out and SIGTERM sufficed. */
const TIMEOUT_EXIT = 124;
/** 128 + SIGKILL: `timeout -k` had to kill, or the kernel's OOM killer did. */
export const SIGKILL_EXIT = 137;

export interface ExecProcessOptions {
  timeoutS?: number;
  maxOutputBytes: number;
  cwd: string;
  env?: Record<string, string>;
  /** Collect stderr apart instead of merged into the output. */
  separateStderr?: boolean;
  signal?: AbortSignal;
}

export interface ExecProcessResult {
  output: CappedOutput;
  stderr: CappedOutput | undefined;
  exitCode: number;
  timedOut: boolean;
}

export async function execProcess(container: Dockerode.Container, argv: string[], options: ExecProcessOptions): Promise<ExecProcessResult> {
  const cmd = options.timeoutS === undefined ? argv : ['timeout', '-k', '5', `${options.timeoutS}s`, ...argv];
  const exec = await container.exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    WorkingDir: options.cwd,
    Env: Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
  });
  const stream = (await exec.start({ hijack: false, stdin: false })) as NodeJS.ReadableStream & { destroy(): void };
  const output = new CappedOutput(options.maxOutputBytes);
  const stderr = options.separateStderr ? new CappedOutput(options.maxOutputBytes) : undefined;
  const sink = (collector: CappedOutput) =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        collector.push(chunk);
        callback();
      },
    });
  container.modem.demuxStream(stream, sink(output), sink(stderr ?? output));

  const started = Date.now();
  const hostTimedOut = await awaitProcessEnd(stream, () => stream.destroy(), options);

  const exitCode = options.signal?.aborted ? -1 : await exitCodeOf(exec);
  const ranOutOfTime = options.timeoutS !== undefined && Date.now() - started >= options.timeoutS * 1000;
  const timedOut = hostTimedOut || (ranOutOfTime && (exitCode === TIMEOUT_EXIT || exitCode === SIGKILL_EXIT));
  return { output, stderr, exitCode, timedOut };
}

/** The daemon can report Running for a moment after the output stream closed. */
async function exitCodeOf(exec: Dockerode.Exec): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await sleep(100);
  }
  return -1;
}
