/** The one shape every CLI command has; main.ts does the commander wiring for all of them. */
import type { Command } from 'commander';
import type { z } from 'zod';
import type { Io } from '../io.js';

export interface CommandDeps {
  io: Io;
  /** Where an option's value came from: `default` when the user did not give it (commander's getOptionValueSource). */
  optionSource(key: string): string | undefined;
}

export interface CliCommand<S extends z.ZodType = z.ZodType> {
  /** As typed after `sera-eval`: `run`, or `k8s job` for a command in a group. */
  name: string;
  /** Parses the options and the positional arguments (under their names in camelCase); a failure is exit 2 naming the flag. */
  flagsSchema: S;
  /** Summary, description, arguments and options. */
  configure(command: Command): Command;
  /** @returns the exit code; a thrown error is mapped to one by main.ts */
  handler(flags: z.output<S>, deps: CommandDeps): Promise<number>;
}

/** Keeps the schema's type for the handler's flags. */
export function defineCommand<S extends z.ZodType>(command: CliCommand<S>): CliCommand<S> {
  return command;
}
