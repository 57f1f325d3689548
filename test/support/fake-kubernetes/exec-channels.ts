/**
 * The pod exec subresource over a websocket, as the API server speaks it with the
 * `v4.channel.k8s.io` and `v5.channel.k8s.io` subprotocols: every binary message starts with its
 * channel byte: 0 stdin (client to server), 1 stdout, 2 stderr, 3 error (a JSON metav1.Status that
 * ends the exec, carrying the exit code as Failure/NonZeroExitCode with an ExitCode cause), 4 resize
 * (client to server, JSON with Width and Height, matched case-insensitively as Go decodes it); v5
 * adds 255 CLOSE, `[255, channel]`, by which the client ends its stdin without closing the socket.
 * With a tty the kubelet merges stderr into the terminal, so channel 2 stays silent.
 * Here a `docker exec` in the pod's container runs the command.
 */
import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import type { WebSocket } from 'ws';

export const SUBPROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

export interface ExecQuery {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export function parseExecQuery(url: URL): ExecQuery {
  const flag = (name: string): boolean => url.searchParams.get(name) === 'true' || url.searchParams.get(name) === '1';
  return { command: url.searchParams.getAll('command'), stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
}

export async function serveExec(socket: WebSocket, container: Dockerode.Container, query: ExecQuery): Promise<void> {
  const send = (channel: number, data: Buffer): void => {
    if (socket.readyState === socket.OPEN) socket.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  // Messages can arrive while docker sets the exec up: they wait here until it is.
  const early: Buffer[] = [];
  let deliver: (data: Buffer) => void = (data) => void early.push(data);
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary && data.length > 0) deliver(data);
  });
  const exec = await container.exec({ Cmd: query.command, AttachStdin: query.stdin, AttachStdout: query.stdout, AttachStderr: query.stderr, Tty: query.tty });
  const stream = (await exec.start({ hijack: true, stdin: query.stdin, Tty: query.tty })) as Duplex;
  // An empty message on the first output channel tells the client the stream is established.
  send(STDOUT, Buffer.alloc(0));
  if (query.tty) {
    stream.on('data', (chunk: Buffer) => send(STDOUT, chunk));
  } else {
    const out = new PassThrough();
    const err = new PassThrough();
    out.on('data', (chunk: Buffer) => send(STDOUT, chunk));
    err.on('data', (chunk: Buffer) => send(query.stderr ? STDERR : STDOUT, chunk));
    container.modem.demuxStream(stream, out, err);
  }
  deliver = (data) => {
    const channel = data[0]!;
    const payload = data.subarray(1);
    if (channel === STDIN && query.stdin) stream.write(payload);
    else if (channel === RESIZE && query.tty) void resize(exec, payload);
    else if (channel === CLOSE && socket.protocol === SUBPROTOCOLS[0] && payload[0] === STDIN) stream.end();
  };
  for (const data of early.splice(0)) deliver(data);
  if (socket.readyState !== socket.OPEN) stream.destroy();
  socket.on('close', () => stream.destroy());
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', resolve);
  });
  if (socket.readyState !== socket.OPEN) return;
  const exitCode = await exitCodeOf(exec);
  send(ERROR, Buffer.from(JSON.stringify(exitStatus(query.command, exitCode))));
  socket.close(1000);
}

/** The status the API server sends on the error channel when the command ends. */
export function exitStatus(command: string[], exitCode: number): object {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

async function resize(exec: Dockerode.Exec, payload: Buffer): Promise<void> {
  const size = Object.fromEntries(Object.entries(JSON.parse(payload.toString('utf8')) as Record<string, number>).map(([key, value]) => [key.toLowerCase(), value]));
  await exec.resize({ h: size.height!, w: size.width! }).catch(() => undefined);
}

async function exitCodeOf(exec: Dockerode.Exec): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 1;
}
