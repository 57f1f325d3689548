/** `--sandbox-config` / `--agent-config`: a plugin's settings as JSON, over what the shared flags give it. */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';

/**
 * @param fromFlags the plugin's settings derived from the shared flags
 * @param raw the flag's value: JSON text or `@FILE`
 * @throws InputError naming the flag, the plugin and each bad field
 */
export async function pluginConfig<C>(
  flag: string,
  plugin: { kind: string; name: string; configSchema: z.ZodType<C> },
  fromFlags: object,
  raw: string | undefined,
): Promise<C> {
  const given = raw === undefined ? {} : await readJsonObject(flag, raw);
  const parsed = plugin.configSchema.safeParse({ ...fromFlags, ...given });
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`).join('\n');
  throw new InputError(`${flag}: invalid settings for ${plugin.kind} ${plugin.name}\n${issues}`);
}

async function readJsonObject(flag: string, raw: string): Promise<object> {
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = await readFile(raw.slice(1), 'utf8');
    } catch (err) {
      throw new InputError(`${flag}: cannot read ${raw.slice(1)}: ${errorMessage(err)}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${flag}: expected a JSON object or @FILE holding one: ${errorMessage(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${flag}: expected a JSON object, got ${JSON.stringify(value)}`);
  return value;
}
