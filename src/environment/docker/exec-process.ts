/**
 * One fresh process per call (`docker exec`), its output streamed through a bounded collector.
 * The timeout is enforced inside the container (in-sandbox-timeout.ts).
 */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import { awaitProcessEnd } from '../await-process-end.js';
import { endedByTimeout, underTimeout } from '../in-sandbox-timeout.js';
import { CappedOutput } from './capped-output.js';


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
  const cmd = underTimeout(argv, options.timeoutS);
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
  const timedOut = hostTimedOut || endedByTimeout(exitCode, started, options.timeoutS);
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
