/** Reading JSON and JSONL files through a zod schema, with an InputError that names the file, line and field. */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `field ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read (${errorMessage(err)})`, { cause: err });
  }
}

export function parseJsonText<S extends z.ZodType>(file: string, text: string, schema: S, what: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${errorMessage(err)}); expected ${what}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InputError(`${file}: ${describeIssues(parsed.error)}; expected ${what}`);
  return parsed.data;
}

export async function readJsonFile<S extends z.ZodType>(file: string, schema: S, what: string): Promise<z.output<S>> {
  return parseJsonText(file, await readText(file), schema, what);
}

/**
 * Parse a JSONL file line by line. A torn LAST line is skipped: appends are single writes, so a
 * kill mid-append leaves at worst that (see run-dir/atomic-write.ts); any other bad line is an error.
 */
export async function readJsonlFile<S extends z.ZodType>(file: string, schema: S, what: string): Promise<z.output<S>[]> {
  const lines = (await readText(file)).split('\n');
  const lastNonEmpty = lines.reduce((last, line, i) => (line.trim() ? i : last), -1);
  const values: z.output<S>[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      if (i === lastNonEmpty) return;
      throw new InputError(`${file}:${i + 1}: not valid JSON (${errorMessage(err)}); expected ${what}`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InputError(`${file}:${i + 1}: ${describeIssues(parsed.error)}; expected ${what}`);
    values.push(parsed.data);
  });
  return values;
}
