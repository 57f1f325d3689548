/**
 * Reading run.json in any format sera-eval has written: format 2 (the run spec) as it is, format 1
 * (no `format` key) converted, anything else refused naming the file and the field.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';
import { RUN_SPEC_FORMAT, RunSpecSchema, type RunSpec } from './run-spec.js';
import { RunManifestV1Schema, specFromV1 } from './run-spec-v1.js';

export interface StoredRunSpec {
  spec: RunSpec;
  /** 1: written before run.json had a format, converted on reading. */
  format: 1 | 2;
}

const EXPECTED = `expected a run spec (run.json, format "${RUN_SPEC_FORMAT}" or an earlier run.json without format)`;

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `field ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

export function parseRunSpec(file: string, value: unknown): StoredRunSpec {
  const format = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>).format : undefined;
  if (format === undefined) {
    const parsed = RunManifestV1Schema.safeParse(value);
    if (!parsed.success) throw new InputError(`${file}: ${issues(parsed.error)}; ${EXPECTED}`);
    return { spec: specFromV1(parsed.data), format: 1 };
  }
  if (format !== RUN_SPEC_FORMAT) {
    throw new InputError(`${file}: field format: ${JSON.stringify(format)} is not a run.json format this sera-eval reads; ${EXPECTED}`);
  }
  const parsed = RunSpecSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${file}: ${issues(parsed.error)}; ${EXPECTED}`);
  return { spec: parsed.data, format: 2 };
}

export async function readRunSpec(file: string): Promise<StoredRunSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read (${errorMessage(err)})`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${errorMessage(err)}); ${EXPECTED}`);
  }
  return parseRunSpec(file, value);
}
