/**
 * One process in a pod through the exec subresource: `@kubernetes/client-node`'s Exec opens the
 * websocket (channel.k8s.io subprotocols v5, then v4...), writes stdin on channel 0, and hands us
 * stdout (1), stderr (2) and the closing V1Status (3). The status carries the exit code as
 * `Failure / NonZeroExitCode` with a cause `ExitCode: <n>`, or `Success` for 0.
 * The timeout runs inside the pod (coreutils `timeout -k 5`), as for Docker.
 */
import { PassThrough, Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { awaitProcessEnd } from '../await-process-end.js';
import { endedByTimeout, underTimeout } from '../in-sandbox-timeout.js';
import { CappedOutput } from '../docker/capped-output.js';

/** The subprotocol whose CLOSE frame ends stdin without ending the whole stream. */
const V5_PROTOCOL = 'v5.channel.k8s.io';

export interface PodTarget {
  kubeConfig: KubeConfig;
  namespace: string;
  pod: string;
  container: string;
}

export interface PodExecOptions {
  timeoutS?: number;
  maxOutputBytes: number;
  cwd: string;
  env?: Record<string, string>;
  /** Bytes for the process's stdin; without it the process gets none. */
  stdin?: Buffer;
  separateStderr?: boolean;
  signal?: AbortSignal;
}

export interface PodExecResult {
  output: CappedOutput;
  stderr: CappedOutput | undefined;
  exitCode: number;
  timedOut: boolean;
}

/** The exec ended without an exit status: the stream broke or the runtime refused the command. */
export class PodExecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PodExecError';
  }
}

/**
 * The exec subresource has no working directory or environment: a tiny sh prologue sets both. Merged
 * output is merged in the pod (2>&1), since stdout and stderr on channels 1 and 2 would arrive in no
 * promised order.
 */
export function wrapCommand(argv: string[], options: Pick<PodExecOptions, 'cwd' | 'env' | 'timeoutS' | 'separateStderr'>): string[] {
  const env = Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`);
  const timed = underTimeout(argv, options.timeoutS);
  const run = options.separateStderr ? 'exec "$@"' : 'exec "$@" 2>&1';
  return ['sh', '-c', `cd "$1" || exit 126; shift; ${run}`, 'sh', options.cwd, ...(env.length > 0 ? ['env', ...env] : []), ...timed];
}

/** @throws PodExecError when no exit status arrived (the caller checks the pod to say why). */
export async function execInPod(target: PodTarget, argv: string[], options: PodExecOptions): Promise<PodExecResult> {
  const output = new CappedOutput(options.maxOutputBytes);
  const stderr = options.separateStderr ? new CappedOutput(options.maxOutputBytes) : undefined;
  const stdin = options.stdin ? new PassThrough() : null;
  let status: V1Status | undefined;
  const started = Date.now();
  const socket = await new Exec(target.kubeConfig).exec(
    target.namespace,
    target.pod,
    target.container,
    wrapCommand(argv, options),
    sink(output),
    stderr ? sink(stderr) : null,
    stdin,
    false,
    (received) => (status = received),
  );
  if (stdin && options.stdin) {
    stdin.write(options.stdin);
    // Over v4, ending stdin closes the whole websocket before the exit status can arrive; the
    // caller's payload must then end itself (a tar archive does).
    if (socket.protocol === V5_PROTOCOL) stdin.end();
  }
  const hostTimedOut = await awaitProcessEnd(socket, () => socket.close(), options);
  if (hostTimedOut) return { output, stderr, exitCode: -1, timedOut: true };
  if (options.signal?.aborted) return { output, stderr, exitCode: -1, timedOut: false };
  if (!status) throw new PodExecError(`the exec stream of ${target.pod} closed without an exit status`);
  const exitCode = exitCodeOf(status);
  return { output, stderr, exitCode, timedOut: endedByTimeout(exitCode, started, options.timeoutS) };
}

/** @throws PodExecError for a Failure status without an exit code (the command never ran). */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  if (status.reason === 'NonZeroExitCode' && cause && Number.isInteger(code)) return code;
  throw new PodExecError(`exec failed: ${status.reason ?? 'Failure'}: ${status.message ?? 'no message'}`);
}

function sink(collector: CappedOutput): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      collector.push(chunk);
      callback();
    },
  });
}
