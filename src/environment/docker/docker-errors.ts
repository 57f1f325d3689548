/**
 * Telling the daemon's failures apart. docker-modem rejects with an Error carrying `statusCode`
 * (HTTP status) and `json` (the daemon's body); a vanished daemon shows up as a socket error
 * (ECONNREFUSED, ENOENT on the unix socket, ECONNRESET mid-request).
 */
import type Dockerode from 'dockerode';
import { retryWithBackoff } from '../../backoff.js';
import { EnvironmentUnavailableError } from '../environment.js';
import { InfrastructureError, errorMessage } from '../../errors.js';

const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

export function statusCodeOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function isNotFound(err: unknown): boolean {
  return statusCodeOf(err) === 404;
}

export function isDaemonUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SOCKET_ERRORS.has(code);
}

/** No daemon answers at the address the client uses: the command cannot go on (exit 3). */
export class DockerUnreachableError extends InfrastructureError {
  constructor(address: string, options?: { cause?: unknown }) {
    super('docker_unreachable', `cannot reach the Docker daemon at ${address}: start dockerd (or podman system service) or point --docker-host / DOCKER_HOST at it`, options);
  }
}

/** Where the client looks for the daemon: its unix socket, or host:port from DOCKER_HOST. */
export function daemonAddress(docker: Dockerode): string {
  const modem = docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown };
  if (typeof modem.socketPath === 'string' && modem.socketPath) return modem.socketPath;
  const protocol = typeof modem.protocol === 'string' ? modem.protocol : 'http';
  return `${protocol}://${String(modem.host)}${modem.port === undefined ? '' : `:${String(modem.port)}`}`;
}

/**
 * The daemon's own words, without docker-modem's "(HTTP code 500) server error - " prefix or the
 * host's overlay directory in front of container paths.
 */
export function daemonMessage(err: unknown): string {
  const json = (err as { json?: unknown } | null)?.json;
  let message = errorMessage(err);
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string') message = json.message;
  else if (typeof json === 'string' && json.trim()) message = json;
  return message
    .replace(/^\(HTTP code \d+\) [^-]*- /, '')
    .replace(/\S*\/merged(?=\/)/g, '')
    .trim();
}

/**
 * The daemon refused a file path, not failed: a path under a regular file, a read-only place.
 * The archive API answers these with 500 ("extraction point is not a directory", "lstat ...: not a
 * directory"), so the message is the only tell.
 */
export function isPathRefusal(err: unknown): boolean {
  const status = statusCodeOf(err);
  if (status === 400 || status === 403) return true;
  return status === 500 && /not a directory|is a directory|permission denied|read-only file system/i.test(daemonMessage(err));
}

/** Worth another try: the daemon was briefly unreachable or answered 5xx. 4xx never is. */
function isTransient(err: unknown): boolean {
  const status = statusCodeOf(err);
  return isDaemonUnreachable(err) || (status !== undefined && status >= 500 && !isPathRefusal(err));
}

export interface DaemonRetryOptions {
  /** Tries in total. @default 3 */
  attempts?: number;
  /** Delay before the second try; doubles each time. @default 500 */
  baseDelayMs?: number;
  signal?: AbortSignal;
}

/**
 * Run `operation`, retrying transient daemon failures with exponential backoff. Only for calls
 * that are safe to repeat (inspect, create with a fresh name, remove, archive reads/writes).
 */
export async function withDaemonRetry<T>(what: string, operation: () => Promise<T>, options: DaemonRetryOptions = {}): Promise<T> {
  const { value } = await retryWithBackoff(operation, {
    attempts: options.attempts ?? 3,
    baseDelayMs: options.baseDelayMs ?? 500,
    jitter: 'none',
    retryable: (err): err is unknown => isTransient(err),
    exhausted: (err, attempts) => new EnvironmentUnavailableError(`${what}: Docker daemon failed ${attempts} times: ${daemonMessage(err)}`, { cause: err }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return value;
}
