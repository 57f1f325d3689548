/**
 * An OpenAI-compatible model server that replays scripted turns (node:http on 127.0.0.1, a free port):
 * /v1/models, /v1/chat/completions and vLLM's /tokenize, with approximate token counts (characters / 4)
 * and vLLM's context-length 400 when a request does not fit max_model_len. Used by `sera-eval demo` and
 * by the tests (test/support/fake-model-server.ts adds fault injection through `intercept`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ReplayScript, ReplayTurn } from './replay-script.js';

/** The probe request `run` sends each endpoint before any rollout (the SERA preflight); answered with one bash call. */
export const PREFLIGHT_PROMPT = 'Run `echo ok` with the bash tool.';

export interface ChatRequestBody {
  model?: string;
  messages?: Array<Record<string, unknown>>;
  tools?: unknown[];
  max_tokens?: number;
  seed?: number;
  [key: string]: unknown;
}

export interface RecordedRequest {
  path: string;
  body: ChatRequestBody;
  headers: IncomingMessage['headers'];
}

/**
 * What an interceptor may do instead of replaying: answer with a status and a JSON body or a raw text
 * body, drop the connection, or never answer (the connection stays open until the server closes).
 */
export type InterceptAction = { status: number; body: unknown } | { status: number; rawBody: string } | 'reset' | 'hang';

export interface ReplayServerOptions {
  /** Called for each chat completion before replaying; return an action to answer differently. */
  intercept?: (body: ChatRequestBody, index: number) => InterceptAction | undefined;
}

export interface ReplayServer {
  /** Base URL including /v1, for --base-url. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

function approximateTokens(messages: unknown, tools: unknown): number {
  return Math.ceil((JSON.stringify(messages ?? []).length + JSON.stringify(tools ?? []).length) / 4);
}

/** vLLM's serving_engine `_validate_input` texts. */
export function contextLengthMessage(maxModelLen: number, promptTokens: number, maxTokens: number | undefined): string {
  if (maxTokens === undefined) {
    return `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptTokens} tokens in the messages, Please reduce the length of the messages.`;
  }
  return (
    `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptTokens + maxTokens} tokens ` +
    `(${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`
  );
}

const SUBMIT_TURN: ReplayTurn = { content: '', tool_calls: [{ name: 'submit', arguments: {} }] };
/** The answer to `run`'s preflight request (preflight.ts), as a served SERA would give it. */
const PREFLIGHT_TURN: ReplayTurn = { content: '', tool_calls: [{ name: 'bash', arguments: { command: 'echo ok' } }] };

export async function startReplayServer(script: ReplayScript, options: ReplayServerOptions = {}): Promise<ReplayServer> {
  const requests: RecordedRequest[] = [];
  const progress = new Map<string, number>();
  const sockets = new Set<Socket>();
  let chatCount = 0;

  const nextTurn = (body: ChatRequestBody): ReplayTurn | undefined => {
    const messages = body.messages ?? [];
    const firstUser = messages.find((m) => m.role === 'user');
    const text = typeof firstUser?.content === 'string' ? firstUser.content : JSON.stringify(firstUser?.content ?? '');
    if (text === PREFLIGHT_PROMPT) return PREFLIGHT_TURN;
    const conversation = script.conversations.find((c) => text.includes(c.match));
    if (!conversation) return undefined;
    const key = `${conversation.match}\0${body.seed ?? ''}`;
    // A request with only system + user messages starts a new rollout of this conversation.
    const index = messages.length <= 2 ? 0 : (progress.get(key) ?? 0);
    progress.set(key, index + 1);
    // A script that runs out submits, so a replayed rollout always ends.
    return conversation.turns[index] ?? SUBMIT_TURN;
  };

  const chat = (body: ChatRequestBody, res: ServerResponse): void => {
    const promptTokens = approximateTokens(body.messages, body.tools);
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : undefined;
    const overflow = maxTokens === undefined ? promptTokens >= script.max_model_len : promptTokens + maxTokens > script.max_model_len;
    if (overflow) return sendError(res, 400, contextLengthMessage(script.max_model_len, promptTokens, maxTokens));
    const turn = nextTurn(body);
    if (!turn) return sendError(res, 400, 'no replay conversation matches the first user message');
    const toolCalls = turn.tool_calls.map((call, i) => ({
      id: `call_${chatCount}_${i}`,
      type: 'function',
      function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
    }));
    const completionTokens = approximateTokens(turn.content, toolCalls);
    sendJson(res, 200, {
      id: `chatcmpl-replay-${chatCount}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: script.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: turn.content, tool_calls: toolCalls },
          finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
        },
      ],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
  };

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const path = (req.url ?? '/').split('?')[0] as string;
        requests.push({ path, body, headers: req.headers });
        if (req.method === 'GET' && path === '/v1/models') {
          return sendJson(res, 200, {
            object: 'list',
            data: [{ id: script.model, object: 'model', created: 0, owned_by: 'sera-eval', max_model_len: script.max_model_len }],
          });
        }
        if (req.method === 'POST' && path === '/tokenize') {
          return sendJson(res, 200, { count: approximateTokens(body.messages, body.tools), max_model_len: script.max_model_len, tokens: [] });
        }
        if (req.method === 'POST' && path === '/v1/chat/completions') {
          const action = options.intercept?.(body, chatCount);
          chatCount++;
          if (action === 'reset') return req.socket.destroy();
          if (action === 'hang') return undefined;
          if (action && 'rawBody' in action) {
            res.writeHead(action.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(action.rawBody) });
            return res.end(action.rawBody);
          }
          if (action) return sendJson(res, action.status, action.body);
          return chat(body, res);
        }
        return sendError(res, 404, `no route ${req.method} ${path}`);
      })
      .catch((err: Error) => sendError(res, 400, `bad request: ${err.message}`));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<ChatRequestBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as ChatRequestBody) : {};
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** vLLM's current error shape: `{"error": {"message", "type", "param", "code"}}`. */
function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message, type: status === 404 ? 'NotFoundError' : 'BadRequestError', param: null, code: status } });
}
