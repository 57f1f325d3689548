import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerDemo } from './demo.js';
import { registerEvaluate } from './evaluate.js';
import { registerExport } from './export.js';
import { registerReplay } from './replay.js';
import { registerReportCommands } from './report-commands.js';
import { registerRun } from './run.js';

/** A command's action hands its work here; main awaits it and turns the result into the exit code. */
export type Schedule = (run: () => Promise<number>) => void;

export function registerCommands(program: Command, io: CliIo, schedule: Schedule): void {
  registerRun(program, io, schedule);
  registerEvaluate(program, io, schedule);
  registerReportCommands(program, io, schedule);
  registerExport(program, io, schedule);
  registerDemo(program, io, schedule);
  registerReplay(program, io, schedule);
}
