/** What report commands write to, so the CLI and tests can hand in their own streams (STYLE.md §9). */
import type { z } from 'zod';
import { InputError } from '../errors.js';
import type { Io } from '../io.js';
import { EXIT } from '../exit-codes.js';


export const EXIT_OK = EXIT.ok;
export const EXIT_GATE_FAILED = EXIT.gateFailed;
export const EXIT_BAD_INPUT = EXIT.badInput;

/** Run a command body; bad input is reported on stderr and becomes exit code 2, anything else propagates. */
export async function withInputErrors(io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr.write(`error: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
}

/** Positional arguments, named as the help shows them; every other key is a --flag. */
const POSITIONAL: Record<string, string> = { runDir: '<run-dir>', a: '<run-a>', b: '<run-b>' };

/** The name a user typed: `maxDrop` → `--max-drop`. */
export function flagName(key: string): string {
  return POSITIONAL[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Check a command's arguments with its schema; a bad flag is an InputError naming the flag as typed. */
export function parseArgs<S extends z.ZodType>(schema: S, args: unknown, command: string): z.output<S> {
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => {
      const key = issue.path[0];
      return `${typeof key === 'string' ? flagName(key) : 'arguments'}: ${issue.message}`;
    });
    throw new InputError(`${command}: ${issues.join('; ')}`);
  }
  return parsed.data;
}
