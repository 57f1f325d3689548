/**
 * A model server of fixed latency: an HTTP proxy in front of the replay server that holds every chat
 * completion for `latencyMs` before forwarding it (listing models and /tokenize pass at once, as they
 * cost vLLM next to nothing). What the harness adds on top of this latency is its own overhead.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LatencyProxy {
  /** Base URL including /v1. */
  url: string;
  chatCompletions(): number;
  close(): Promise<void>;
}

function forward(upstream: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const out = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', (err) => {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `latency proxy: ${err.message}` } }));
  });
  out.end(body);
}

/** @param upstreamUrl the replay server's base URL (ending in /v1) */
export async function startLatencyProxy(upstreamUrl: string, latencyMs: number): Promise<LatencyProxy> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<Socket>();
  let chats = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const isChat = (req.url ?? '').startsWith('/v1/chat/completions');
      if (!isChat) return forward(upstream, req, Buffer.concat(chunks), res);
      chats++;
      void sleep(latencyMs).then(() => forward(upstream, req, Buffer.concat(chunks), res));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    chatCompletions: () => chats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
