/** What report commands write to, so the CLI and tests can hand in their own streams (STYLE.md §9). */
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { describeIssues } from './read-validated.js';

export interface WritableLike {
  write(chunk: string): unknown;
}

export interface CommandIo {
  stdout: WritableLike;
  /** Warnings and input errors; defaults to process.stderr. */
  stderr?: WritableLike;
}

export const EXIT_OK = EXIT.ok;
export const EXIT_GATE_FAILED = EXIT.gateFailed;
export const EXIT_BAD_INPUT = EXIT.badInput;

/** Run a command body; bad input is reported on stderr and becomes exit code 2, anything else propagates. */
export async function withInputErrors(io: CommandIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof InputError) {
      (io.stderr ?? process.stderr).write(`error: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
}

/** Check a command's arguments with its schema; a bad flag is an InputError naming the field. */
export function parseArgs<S extends z.ZodType>(schema: S, args: unknown, command: string): z.output<S> {
  const parsed = schema.safeParse(args);
  if (!parsed.success) throw new InputError(`${command}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
