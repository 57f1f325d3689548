/**
 * The Docker shell's transport over a pod: startDockerShell attaches to `container.exec(...)` with a
 * tty and hijacked stdin; this adapter answers that call with an exec websocket (tty=true, stdin on
 * channel 0, the terminal on channel 1, its size as JSON on channel 4 as kubectl sends it), so the
 * shell session and its observable behaviour stay the Docker shell's, byte for byte.
 */
import { Duplex, PassThrough } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
import type WebSocket from 'ws';
import { exitCodeOf, type PodTarget } from './pod-exec.js';

/** The part of a dockerode exec create call the shell uses. */
export interface TtyExecRequest {
  Cmd: string[];
  WorkingDir?: string;
  Env?: string[];
}

export interface TtyExec {
  start(options?: unknown): Promise<Duplex>;
  inspect(): Promise<{ ExitCode: number | null; Running: boolean }>;
}

/** A stand-in for `Dockerode.Container` that offers `exec` only: the shell's one call. */
export interface TtyExecHost {
  exec(request: TtyExecRequest): Promise<TtyExec>;
}

export function podTtyHost(target: PodTarget): TtyExecHost {
  return { exec: async (request) => new PodTtyExec(target, request) };
}

/**
 * The client sends a terminal size when stdout has rows and columns: pexpect's 24x80, which the
 * shell session also sets with stty.
 */
type TerminalOutput = PassThrough & { rows: number; columns: number };

class PodTtyExec implements TtyExec {
  private exitCode: number | null = null;
  private running = false;
  private readonly terminal: TerminalOutput = Object.assign(new PassThrough(), { rows: 24, columns: 80 });

  constructor(
    private readonly target: PodTarget,
    private readonly request: TtyExecRequest,
  ) {}

  async start(): Promise<Duplex> {
    const stdin = new PassThrough();
    const command = ['sh', '-c', 'cd "$1" || exit 126; shift; exec "$@"', 'sh', this.request.WorkingDir ?? '/', 'env', ...(this.request.Env ?? []), ...this.request.Cmd];
    const socket = (await new Exec(this.target.kubeConfig).exec(
      this.target.namespace,
      this.target.pod,
      this.target.container,
      command,
      this.terminal,
      this.terminal,
      stdin,
      true,
      (status: V1Status) => {
        try {
          this.exitCode = exitCodeOf(status);
        } catch {
          this.exitCode = 126;
        }
      },
    )) as WebSocket;
    this.running = true;
    const stream = new PodTtyStream(stdin, socket);
    this.terminal.on('data', (chunk: Buffer) => stream.push(chunk));
    socket.on('close', () => {
      this.running = false;
      stream.push(null);
      stream.destroy();
    });
    return stream;
  }

  async inspect(): Promise<{ ExitCode: number | null; Running: boolean }> {
    return { ExitCode: this.exitCode ?? (this.running ? null : 1), Running: this.running };
  }
}

class PodTtyStream extends Duplex {
  constructor(
    private readonly stdin: PassThrough,
    private readonly socket: WebSocket,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.stdin.write(chunk);
    callback();
  }

  override _read(): void {}

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.close();
    callback(error);
  }
}
