/**
 * SWE-agent's FunctionCallingParser (sweagent/tools/parsing.py): exactly one tool call, a known tool,
 * JSON arguments with every required and no unknown argument. Failures become the requery texts.
 */
import { RequeryError } from './agent-exits.js';
import { renderFormatError } from './sera-templates.js';
import type { ModelToolCall } from '../../model/model-client.js';
import { SERA_TOOLS } from './tool-schemas.js';

export type ParsedAction =
  | { tool: 'bash'; toolCallId: string; command: string }
  | { tool: 'str_replace_editor'; toolCallId: string; values: Record<string, unknown> }
  | { tool: 'submit'; toolCallId: string };

const formatError = (code: Parameters<typeof renderFormatError>[0], message = ''): RequeryError =>
  new RequeryError('format', renderFormatError(code, message));

/**
 * @throws RequeryError for the parser's format errors.
 * @throws Error when the arguments are JSON but not an object: upstream crashed on `.keys()` there (exit_error).
 */
export function parseAction(toolCalls: readonly ModelToolCall[]): ParsedAction {
  if (toolCalls.length === 0) throw formatError('missing');
  if (toolCalls.length > 1) throw formatError('multiple');
  const call = toolCalls[0] as ModelToolCall;
  const tool = SERA_TOOLS.find((t) => t.function.name === call.name);
  if (!tool) throw formatError('invalid_command', `Command '${call.name}' not found in list of available commands.`);

  let values: unknown;
  try {
    values = JSON.parse(call.arguments);
  } catch {
    throw formatError('invalid_json', 'Tool call arguments are not valid JSON.');
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new Error(`tool call arguments are not a JSON object: ${call.arguments}`);
  }
  const record = values as Record<string, unknown>;
  const { properties, required } = tool.function.parameters;
  const missing = required.filter((name) => !(name in record));
  if (missing.length > 0) throw formatError('missing_arg', `Required argument(s) missing: ${missing.join(', ')}`);
  const extra = Object.keys(record).filter((name) => !(name in properties));
  if (extra.length > 0) throw formatError('unexpected_arg', `Unexpected argument(s): ${extra.join(', ')}`);

  switch (call.name) {
    case 'bash':
      return { tool: 'bash', toolCallId: call.id, command: jinjaString(record.command) };
    case 'str_replace_editor':
      return { tool: 'str_replace_editor', toolCallId: call.id, values: record };
    default:
      return { tool: 'submit', toolCallId: call.id };
  }
}

/** How Jinja renders the unquoted bash argument (`None` became an empty string upstream, issue #1159). */
function jinjaString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
