/**
 * One chat request with SERA's tools to an endpoint before any rollout starts. A vLLM started without
 * tool calling, or serving under another name, would otherwise fail every instance the same way and be
 * scored as the model's failure. The texts matched are vLLM's: `"auto" tool choice requires
 * --enable-auto-tool-choice and --tool-call-parser to be set` (entrypoints/openai/serving_chat.py,
 * `create_chat_completion`, a 400) and ``The model `X` does not exist.`` (serving_engine.py `_check_model`,
 * a 404 NotFoundError).
 */
import { HarnessError } from '../../errors.js';
import type { ModelClient } from '../../model/model-client.js';
import { PREFLIGHT_PROMPT } from '../../model/replay-server.js';
import { ModelCallError } from '../../model/model-errors.js';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from '../../model/retry.js';
import { SYSTEM_TEMPLATE } from './sera-templates.js';
import { SERA_TOOLS } from './tool-schemas.js';

/** Enough for a short thought and one call; a longer reply is cut, which is no fault. */
const PREFLIGHT_MAX_TOKENS = 1024;

const TOOL_FLAGS = '--enable-auto-tool-choice --tool-call-parser hermes';
const AUTO_TOOL_CHOICE_DISABLED = /"auto" tool choice requires --enable-auto-tool-choice/;
/** Tool-call markup of the formats vLLM's parsers read (hermes, qwen3_coder/xml, mistral, llama, pythonic). */
const TOOL_CALL_MARKUP = /<tool_call>|<\/tool_call>|<function=|\[TOOL_CALLS\]|<\|python_tag\|>|"name"\s*:\s*"bash"/;

/** The endpoint cannot serve SERA as configured: the run stops before any container starts (exit 3). */
export class EndpointMisconfiguredError extends HarnessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('endpoint_misconfigured', message, options);
  }
}

export interface PreflightResult {
  /** Set when the reply shows the server's tool parser does not match the model's format. */
  warning?: string;
}

/**
 * @param label how the endpoint is named in messages (its URL without credentials).
 * @throws EndpointMisconfiguredError when tool calling is off or the model name is unknown to the server.
 * @throws ModelUnavailableError when the server keeps failing; other ModelCallErrors pass through.
 */
export async function preflightEndpoint(
  client: ModelClient,
  label: string,
  options: { retryPolicy?: RetryPolicy; signal?: AbortSignal } = {},
): Promise<PreflightResult> {
  let turn;
  try {
    turn = await withRetries(
      () =>
        client.complete(
          [
            { role: 'system', content: SYSTEM_TEMPLATE },
            { role: 'user', content: PREFLIGHT_PROMPT },
          ],
          SERA_TOOLS,
          { temperature: 0, topP: 1, maxTokens: PREFLIGHT_MAX_TOKENS },
          options.signal,
        ),
      options.retryPolicy ?? DEFAULT_RETRY_POLICY,
      options.signal,
    );
  } catch (err) {
    throw misconfiguration(err, client.model, label) ?? err;
  }
  if (turn.toolCalls.length === 0 && TOOL_CALL_MARKUP.test(turn.content)) {
    return {
      warning:
        `${label}: asked to run \`echo ok\` with the bash tool, the model answered with tool-call markup in its text but the ` +
        `server parsed no tool call, so every action would be a format error. Check that vLLM runs with ${TOOL_FLAGS} ` +
        `(the parser must match the model's format). Raw reply:\n${turn.content}`,
    };
  }
  return {};
}

function misconfiguration(err: unknown, model: string, label: string): EndpointMisconfiguredError | undefined {
  if (!(err instanceof ModelCallError)) return undefined;
  if (err.status === 400 && AUTO_TOOL_CHOICE_DISABLED.test(err.message)) {
    return new EndpointMisconfiguredError(
      `${label} was started without tool calling (vLLM: ${err.message.trim()}); SERA needs native function calling: ` +
        `restart vLLM with ${TOOL_FLAGS}`,
      { cause: err },
    );
  }
  if (err.status === 404) {
    return new EndpointMisconfiguredError(
      `${label} does not serve the model "${model}" (${err.message.trim()}); pass the served name with --model, or start vLLM ` +
        `with --served-model-name ${model} (and ${TOOL_FLAGS})`,
      { cause: err },
    );
  }
  return undefined;
}

export interface Endpoint {
  client: ModelClient;
  /** The endpoint's URL without credentials. */
  label: string;
}

/**
 * Preflight every distinct endpoint once (several contexts may share one client).
 * @returns the warnings to show; @throws as preflightEndpoint.
 */
export async function preflightEndpoints(endpoints: readonly Endpoint[], options: { retryPolicy?: RetryPolicy; signal?: AbortSignal } = {}): Promise<string[]> {
  const seen = new Set<ModelClient>();
  const warnings: string[] = [];
  for (const { client, label } of endpoints) {
    if (seen.has(client)) continue;
    seen.add(client);
    const { warning } = await preflightEndpoint(client, label, options);
    if (warning) warnings.push(warning);
  }
  return warnings;
}
