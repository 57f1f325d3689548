#!/usr/bin/env node
/**
 * The `sera-eval` binary: parses argv with commander, hands each command's flags to its handler,
 * and turns what comes back (or is thrown) into an exit code. No logic lives here that a library
 * user could not call directly.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { HarnessError, InputError, InterruptedError, errorMessage } from '../errors.js';
import { exitCodeHelp } from '../exit-codes.js';
import { harnessVersions } from '../pipeline/versions.js';
import { EXIT, processIo, type Io } from './io.js';
import type { CliCommand } from './command.js';
import { parseFlags } from './flags.js';

interface CommandSet {
  commands: readonly CliCommand[];
  groups: Readonly<Record<string, string>>;
}

/**
 * The commands that only read run directories, each with the one module that defines it: `sera-eval
 * report …` loads that module alone. Loading every command loads the rollout stack too (Kubernetes
 * and OpenAI clients, Docker: over 1,000 modules, about 2 s of a report's 3 s budget before it reads a file).
 */
const READER_COMMANDS: Record<string, () => Promise<CommandSet>> = {
  report: reportCommands,
  compare: reportCommands,
  nightly: reportCommands,
  export: async () => ({ commands: [(await import('./commands/export.js')).exportCommandCli as CliCommand], groups: {} }),
};

async function reportCommands(): Promise<CommandSet> {
  const m = await import('./commands/report-commands.js');
  return { commands: [m.reportCommandCli, m.compareCommandCli, m.nightlyCommandCli] as CliCommand[], groups: {} };
}

/** Only the first argument picks a reader command; anything else (another command, --help, --version) loads all. */
async function commandsFor(argv: readonly string[]): Promise<CommandSet> {
  const first = argv[0];
  if (first !== undefined && Object.hasOwn(READER_COMMANDS, first)) return READER_COMMANDS[first]!();
  const all = await import('./commands/index.js');
  return { commands: all.COMMANDS, groups: all.GROUPS };
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const program = new Command('sera-eval')
    .description(
      'Benchmark coding-agent checkpoints on SWE-bench Verified: run the SERA agent against a vLLM endpoint in each ' +
        "instance's container, grade patches exactly like the official SWE-bench harness, report and gate on the numbers.",
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('afterAll', `\n${exitCodeHelp()}\n`)
    .option('-V, --version', 'print the version (package and git commit) and exit');
  // not commander's .version(): it wants the text up front, and reading the git commit costs a process
  program.on('option:version', () => {
    io.stdout.write(`${versionLine()}\n`);
    throw new CommanderError(EXIT.ok, 'sera-eval.version', '');
  });

  let pending: Promise<number> | null = null;
  const { commands, groups } = await commandsFor(argv);
  for (const command of commands) {
    wire(program, command, groups, io, (run) => {
      pending = run();
    });
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    if (pending === null) {
      program.outputHelp();
      return EXIT.ok;
    }
    return await pending;
  } catch (err) {
    return exitCodeFor(err, io);
  }
}

/**
 * Adds one command under its group, and on invocation parses its options and positional
 * arguments with its schema (exit 2 naming the flag) before the handler runs.
 */
function wire(program: Command, cli: CliCommand, groups: Readonly<Record<string, string>>, io: Io, schedule: (run: () => Promise<number>) => void): void {
  const words = cli.name.split(' ');
  const parent = words.slice(0, -1).reduce((group, word) => group.commands.find((c) => c.name() === word) ?? group.command(word).summary(groups[word] ?? ''), program);
  const command = cli.configure(parent.command(words.at(-1)!));
  command.action((...args: unknown[]) => {
    const self = args.at(-1) as Command;
    const options = args.at(-2) as Record<string, unknown>;
    const positional = Object.fromEntries(self.registeredArguments.map((a, i) => [a.name().replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), args[i]]));
    schedule(async () => cli.handler(parseFlags(cli.flagsSchema, { ...options, ...positional }, cli.name), { io, optionSource: (key) => self.getOptionValueSource(key) }));
  });
}

function exitCodeFor(err: unknown, io: Io): number {
  if (err instanceof CommanderError) {
    // help and version are "errors" to commander; everything else is a usage error
    return err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (err instanceof InterruptedError) {
    io.stderr.write(`sera-eval: ${err.message}\n`);
    return EXIT.interrupted;
  }
  if (err instanceof InputError) {
    io.stderr.write(`sera-eval: ${err.message}\n`);
    return EXIT.badInput;
  }
  if (err instanceof HarnessError) {
    io.stderr.write(`sera-eval: ${err.code}: ${err.message}\n`);
    return EXIT.failed;
  }
  if (isSystemError(err)) {
    // the machine refused something (an errno error not turned into a HarnessError): its message names the call and path
    io.stderr.write(`sera-eval: ${err.message}\n`);
    return EXIT.failed;
  }
  io.stderr.write(`sera-eval: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : errorMessage(err)}\n`);
  return EXIT.failed;
}

function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((err as NodeJS.ErrnoException).code!) && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/** `sera-eval 0.1.0 (git 0123abcd4567)`; the commit only when running from a git checkout. */
export function versionLine(): string {
  const versions = harnessVersions();
  const commit = versions.git_revision ? ` (git ${versions.git_revision.slice(0, 12)})` : '';
  return `sera-eval ${versions['sera-eval']}${commit}`;
}

function isEntryPoint(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
