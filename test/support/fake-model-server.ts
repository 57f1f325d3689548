/**
 * The fake model server of the unit tests: the replay server (src/model/replay-server.ts) with fault
 * injection by chat-request index (429, 500, connection reset, context-length errors in vLLM's current
 * and pre-0.10 shapes, a vLLM started without tool calling or asked for another model, a 200 that is no
 * completion, a response that never comes) and helpers for scripted turns, including malformed, missing
 * and extra tool calls.
 */
import {
  contextLengthMessage,
  startReplayServer,
  type ChatRequestBody,
  type InterceptAction,
  type ReplayServer,
} from '../../src/model/replay-server.js';
import { ReplayScriptSchema, type ReplayConversation, type ReplayTurn } from '../../src/model/replay-script.js';

export type Fault =
  | 'rate_limit'
  | 'server_error'
  | 'reset'
  | 'unauthorized'
  /** vLLM's 400 for a prompt that does not fit, `{"error": {...}}` (vLLM ≥ 0.10). */
  | 'context_overflow'
  /** The same, flat `{"object": "error", ...}` (vLLM < 0.10). */
  | 'context_overflow_flat'
  /** vLLM when max_tokens defaulted to what is left and nothing is left. */
  | 'max_tokens_at_least_1'
  /** vLLM started without --enable-auto-tool-choice --tool-call-parser (serving_chat.py, a 400). */
  | 'no_tool_calling'
  /** vLLM asked for a model it does not serve (serving_engine.py `_check_model`, a 404). */
  | 'wrong_model'
  /** A 200 whose JSON body is cut short. */
  | 'truncated_json'
  /** A 200 completion with an empty `choices`. */
  | 'no_choices'
  /** A 200 completion whose choice has no `message`. */
  | 'choice_without_message'
  /** A 200 completion whose tool call is in the text: the server's tool parser did not match the model. */
  | 'tool_call_in_text'
  /** Headers and body never come. */
  | 'hang';

export interface FakeModelServerOptions {
  conversations: ReplayConversation[];
  model?: string;
  maxModelLen?: number;
  /** Fault per chat-completion request index (0-based, counting every request, faulty ones included). */
  faults?: Record<number, Fault> | ((index: number) => Fault | undefined);
}

export const TOOL_CALL_IN_TEXT = '<tool_call>\n{"name": "bash", "arguments": {"command": "echo ok"}}\n</tool_call>';

function completion(choices: unknown[]): unknown {
  return { id: 'chatcmpl-fault', object: 'chat.completion', created: 0, model: 'sera-fake', choices, usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } };
}

function faultResponse(fault: Fault, maxModelLen: number, body: ChatRequestBody): InterceptAction {
  const error = (status: number, message: string, type = 'BadRequestError') => ({ error: { message, type, param: null, code: status } });
  switch (fault) {
    case 'hang':
      return 'hang';
    case 'no_tool_calling':
      return { status: 400, body: error(400, '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set') };
    case 'wrong_model':
      return { status: 404, body: error(404, `The model \`${body.model}\` does not exist.`, 'NotFoundError') };
    case 'truncated_json':
      return { status: 200, rawBody: JSON.stringify(completion([{ index: 0, message: { role: 'assistant', content: 'ok' } }])).slice(0, 60) };
    case 'no_choices':
      return { status: 200, body: completion([]) };
    case 'choice_without_message':
      return { status: 200, body: completion([{ index: 0, finish_reason: 'stop' }]) };
    case 'tool_call_in_text':
      return { status: 200, body: completion([{ index: 0, message: { role: 'assistant', content: TOOL_CALL_IN_TEXT, tool_calls: [] }, finish_reason: 'stop' }]) };
    case 'reset':
      return 'reset';
    case 'rate_limit':
      return { status: 429, body: error(429, 'Too many requests', 'RateLimitError') };
    case 'server_error':
      return { status: 500, body: error(500, 'internal server error', 'InternalServerError') };
    case 'unauthorized':
      return { status: 401, body: error(401, 'Unauthorized', 'AuthenticationError') };
    case 'context_overflow':
      return { status: 400, body: error(400, contextLengthMessage(maxModelLen, maxModelLen + 10, 100)) };
    case 'context_overflow_flat':
      return {
        status: 400,
        body: { object: 'error', message: contextLengthMessage(maxModelLen, maxModelLen + 10, undefined), type: 'BadRequestError', param: null, code: 400 },
      };
    case 'max_tokens_at_least_1':
      return { status: 400, body: error(400, 'max_tokens must be at least 1, got 0.') };
  }
}

export async function startFakeModelServer(options: FakeModelServerOptions): Promise<ReplayServer> {
  const script = ReplayScriptSchema.parse({
    model: options.model ?? 'sera-fake',
    max_model_len: options.maxModelLen ?? 32768,
    conversations: options.conversations,
  });
  const faultAt = (index: number): Fault | undefined =>
    typeof options.faults === 'function' ? options.faults(index) : options.faults?.[index];
  return startReplayServer(script, {
    intercept: (body, index) => {
      const fault = faultAt(index);
      return fault ? faultResponse(fault, script.max_model_len, body) : undefined;
    },
  });
}

export const turn = {
  bash: (command: string, content = ''): ReplayTurn => ({ content, tool_calls: [{ name: 'bash', arguments: { command } }] }),
  editor: (args: Record<string, unknown>, content = ''): ReplayTurn => ({
    content,
    tool_calls: [{ name: 'str_replace_editor', arguments: args }],
  }),
  submit: (content = ''): ReplayTurn => ({ content, tool_calls: [{ name: 'submit', arguments: {} }] }),
  noToolCall: (content = 'I think it is fixed.'): ReplayTurn => ({ content, tool_calls: [] }),
  raw: (name: string, rawArguments: string, content = ''): ReplayTurn => ({ content, tool_calls: [{ name, arguments: rawArguments }] }),
  several: (...turns: ReplayTurn[]): ReplayTurn => ({ content: '', tool_calls: turns.flatMap((t) => t.tool_calls) }),
};
