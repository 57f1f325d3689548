/** Reading JSON and JSONL files through a zod schema, with an InputError that names the file, line and field. */
import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `field ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * The file's bytes, read in one call: fs/promises' readFile takes four thread-pool round trips and
 * decodes in chunks, slower for the thousands of files a report reads.
 */
export function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new InputError(`${file}: cannot read (${errorMessage(err)})`, { cause: err });
  }
}

/**
 * UTF-8 bytes as text. All-ASCII bytes, as JSON written by sera-eval nearly always is, are copied as
 * Latin-1, the same text: decoding UTF-8 checks every byte, seconds for the 1.6 GB of trajectories the
 * HTML report of a full study reads.
 */
export function decodeUtf8(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

function readText(file: string): string {
  return decodeUtf8(readBytes(file));
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
  return parseJsonText(file, readText(file), schema, what);
}

/**
 * Parse a JSONL file line by line. A torn LAST line is skipped: appends are single writes, so a
 * kill mid-append leaves at worst that (see run-dir/atomic-write.ts); any other bad line is an error.
 */
export async function readJsonlFile<S extends z.ZodType>(file: string, schema: S, what: string): Promise<z.output<S>[]> {
  const lines = readText(file).split('\n');
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
