/**
 * The only door to the model server (and the only file that imports `openai`): an OpenAI-compatible
 * endpoint, usually vLLM. Returns our own types and throws ModelCallError with a kind; it never retries
 * (SDK maxRetries 0): the agent loop retries in one place (retry.ts).
 */
import OpenAI from 'openai';
import { z } from 'zod';
import { InputError, InterruptedError } from '../errors.js';
import { classifyModelError, ModelCallError } from './model-errors.js';
import type { ToolSchema } from './tool-schema.js';

export type ChatMessage = Record<string, unknown>;

export interface ModelToolCall {
  id: string;
  name: string;
  /** Raw JSON text as the model produced it. */
  arguments: string;
}

/** A rollout's context limit, held by the server (its max_model_len) or by the harness with /tokenize. */
export interface ContextBudget {
  /** The rollout's context limit in tokens, e.g. 32768 for `32k`; undefined = whatever the server allows. */
  contextTokens?: number;
}

export interface Sampling {
  temperature: number;
  /** Always sent, as SWE-agent did (1.0 by default). */
  topP: number;
  maxTokens?: number;
  seed?: number;
}

export interface ModelTurn {
  /** Assistant content: the thought, including any `<think>` block; '' when the server sent none. */
  content: string;
  toolCalls: ModelToolCall[];
  usage: { promptTokens: number; completionTokens: number };
  finishReason: string | null;
  latencyS: number;
}

export interface TokenCount {
  count: number;
  maxModelLen: number;
}

export interface ModelClient {
  readonly model: string;
  /** The server's max_model_len when /v1/models reports it (vLLM does). */
  readonly maxModelLen: number | undefined;
  complete(messages: ChatMessage[], tools: readonly ToolSchema[], sampling: Sampling, signal?: AbortSignal): Promise<ModelTurn>;
  /** vLLM's POST /tokenize with the same messages and tools, as the chat template renders them. */
  countTokens(messages: ChatMessage[], tools: readonly ToolSchema[], signal?: AbortSignal): Promise<TokenCount>;
}

export interface ModelClientOptions {
  baseUrl: string;
  /** Defaults to the only model the server lists; several listed → InputError asking for --model. */
  model?: string;
  /** The key itself; never written anywhere. Prefer apiKeyEnv so it never sits in a config object. */
  apiKey?: string;
  /** Name of the environment variable holding the key (e.g. OPENAI_API_KEY); unset → InputError. */
  apiKeyEnv?: string;
  /**
   * Seconds one request may take, the whole body included; past it the request is aborted and the
   * failure is retryable (a hung server is never the model's failure). @default 600
   */
  requestTimeoutS?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_S = 600;

const TokenizeBodySchema = z.object({ count: z.number(), max_model_len: z.number() });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * What a chat completion must hold for us to read it. A 200 without it (truncated JSON, no choices, a
 * choice without a message) is the server's fault, retried like a 5xx.
 */
const CompletionBodySchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          tool_calls: z
            .array(z.object({ id: z.string(), type: z.string(), function: z.object({ name: z.string(), arguments: z.string() }).optional() }))
            .nullable()
            .optional(),
        }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullable().optional(),
});

interface ServerModel {
  id: string;
  maxModelLen: number | undefined;
}

export async function connectModelClient(options: ModelClientOptions): Promise<ModelClient> {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const requestTimeoutS = options.requestTimeoutS ?? DEFAULT_REQUEST_TIMEOUT_S;
  const apiKey = options.apiKey ?? keyFromEnvironment(options.apiKeyEnv);
  const sdk = new OpenAI({
    baseURL: baseUrl,
    // Without a key the SDK would fall back to OPENAI_API_KEY and send it to whatever server this is.
    apiKey: apiKey ?? 'not-needed',
    maxRetries: 0,
    // Our own deadline (withDeadline) is the one that cuts a request; the SDK's only covers the headers.
    timeout: requestTimeoutS * 1000 + 5_000,
    fetch: nestVllmErrors,
  });
  const models = await listModels(sdk);
  const chosen = options.model ?? defaultModel(models, baseUrl);
  const card = models.find((m) => m.id === chosen);
  if (!card) {
    throw new InputError(`--model ${chosen}: the server at ${baseUrl} serves ${models.map((m) => m.id).join(', ') || 'no model'}`);
  }
  return new OpenAIModelClient(sdk, baseUrl, card.id, card.maxModelLen, apiKey, requestTimeoutS);
}

function keyFromEnvironment(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const value = process.env[name];
  if (!value) throw new InputError(`--api-key-env ${name}: the environment variable is not set`);
  return value;
}

function defaultModel(models: ServerModel[], baseUrl: string): string {
  const [only, ...rest] = models;
  if (only && rest.length === 0) return only.id;
  if (!only) throw new InputError(`--base-url ${baseUrl}: the server lists no model`);
  throw new InputError(`--base-url ${baseUrl} serves several models (${models.map((m) => m.id).join(', ')}): choose one with --model`);
}

async function listModels(sdk: OpenAI): Promise<ServerModel[]> {
  const out: ServerModel[] = [];
  try {
    for await (const model of sdk.models.list()) {
      const maxLen = (model as unknown as { max_model_len?: unknown }).max_model_len;
      out.push({ id: model.id, maxModelLen: typeof maxLen === 'number' ? maxLen : undefined });
    }
  } catch (err) {
    throw toModelCallError(err);
  }
  return out;
}

class OpenAIModelClient implements ModelClient {
  constructor(
    private readonly sdk: OpenAI,
    private readonly baseUrl: string,
    readonly model: string,
    readonly maxModelLen: number | undefined,
    private readonly apiKey: string | undefined,
    private readonly requestTimeoutS: number,
  ) {}

  async complete(messages: ChatMessage[], tools: readonly ToolSchema[], sampling: Sampling, signal?: AbortSignal): Promise<ModelTurn> {
    const started = performance.now();
    const body = await this.withDeadline(signal, async (requestSignal) => {
      const response = await this.sdk.chat.completions.create(
        {
          model: this.model,
          messages: messages as unknown as OpenAI.Chat.Completions.ChatCompletionMessageParam[],
          tools: tools as unknown as OpenAI.Chat.Completions.ChatCompletionTool[],
          tool_choice: 'auto',
          temperature: sampling.temperature,
          top_p: sampling.topP,
          ...(sampling.maxTokens !== undefined ? { max_tokens: sampling.maxTokens } : {}),
          ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
        },
        { signal: requestSignal },
      );
      return response as unknown;
    });
    const parsed = CompletionBodySchema.safeParse(body);
    if (!parsed.success) {
      const shown = typeof body === 'string' ? body : JSON.stringify(body);
      throw new ModelCallError('retryable', `the server answered 200 without a valid chat completion: ${String(shown).slice(0, 300)}`, 200);
    }
    const response = parsed.data;
    const choice = response.choices[0]!;
    const toolCalls = (choice.message.tool_calls ?? []).flatMap((call): ModelToolCall[] =>
      call.type === 'function' && call.function ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [],
    );
    return {
      content: choice.message.content ?? '',
      toolCalls,
      usage: {
        promptTokens: response.usage?.prompt_tokens ?? 0,
        completionTokens: response.usage?.completion_tokens ?? 0,
      },
      finishReason: choice.finish_reason ?? null,
      latencyS: (performance.now() - started) / 1000,
    };
  }

  /**
   * Runs one request under its own deadline, the body included (the SDK's timeout stops at the
   * headers). The caller's abort is an interrupt; the deadline is a retryable fault; a body that is not
   * JSON is a retryable fault too.
   */
  private async withDeadline<T>(signal: AbortSignal | undefined, request: (requestSignal: AbortSignal) => Promise<T>): Promise<T> {
    if (signal?.aborted) throw new InterruptedError();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.requestTimeoutS * 1000);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await request(controller.signal);
    } catch (err) {
      if (signal?.aborted) throw new InterruptedError();
      if (timedOut) {
        throw new ModelCallError('retryable', `no complete answer within ${this.requestTimeoutS} s (--request-timeout); the request was aborted`, undefined, { cause: err });
      }
      if (err instanceof SyntaxError) {
        throw new ModelCallError('retryable', `the server answered 200 with a body that is not JSON: ${err.message}`, 200, { cause: err });
      }
      throw toModelCallError(err);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async countTokens(messages: ChatMessage[], tools: readonly ToolSchema[], signal?: AbortSignal): Promise<TokenCount> {
    // /tokenize lives at the server root, beside /v1 (vLLM's api_server).
    const url = `${this.baseUrl.replace(/\/v1$/, '')}/tokenize`;
    // The same per-request deadline as a completion: a hung /tokenize is a retryable fault.
    const requestSignal = AbortSignal.any([AbortSignal.timeout(this.requestTimeoutS * 1000), ...(signal ? [signal] : [])]);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.model, messages, tools, add_generation_prompt: true }),
        signal: requestSignal,
      });
      text = await response.text();
    } catch (err) {
      if (signal?.aborted) throw new InterruptedError();
      throw new ModelCallError('retryable', `POST ${url}: ${(err as Error).message}`, undefined, { cause: err });
    }
    if (!response.ok) {
      throw new ModelCallError(classifyModelError(response.status, text), `POST ${url}: ${response.status} ${text}`, response.status);
    }
    // A 200 that is not vLLM's answer is the server's fault, retried like a completion's.
    const parsed = TokenizeBodySchema.safeParse(parseJson(text));
    if (!parsed.success) throw new ModelCallError('retryable', `POST ${url}: expected {count, max_model_len}, got ${text.slice(0, 200)}`, 200);
    return { count: parsed.data.count, maxModelLen: parsed.data.max_model_len };
  }
}

/**
 * vLLM before 0.10 answers errors as a flat `{"object": "error", "message": ...}`; the SDK only reads a
 * nested `{"error": {...}}` and would report "400 status code (no body)", losing the context-length text.
 */
async function nestVllmErrors(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (response.ok) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const flat = body && typeof body === 'object' && !('error' in body) && 'message' in body;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(flat ? JSON.stringify({ error: body }) : text, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

function toModelCallError(err: unknown): Error {
  if (err instanceof OpenAI.APIUserAbortError) return new InterruptedError();
  if (err instanceof OpenAI.APIError) {
    const detail = err.error ? `${err.message} ${JSON.stringify(err.error)}` : err.message;
    return new ModelCallError(classifyModelError(err.status, detail), err.message, err.status, { cause: err });
  }
  return new ModelCallError('fatal', (err as Error).message ?? String(err), undefined, { cause: err });
}
