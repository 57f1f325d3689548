import type { Command } from 'commander';
import type { Io } from '../io.js';
import type { Schedule } from '../schedule.js';
import { registerDemo } from './demo.js';
import { registerEvaluate } from './evaluate.js';
import { registerExport } from './export.js';
import { registerK8sJob } from './k8s-job.js';
import { registerK8sSetup } from './k8s-setup.js';
import { registerPlan } from './plan.js';
import { registerReplay } from './replay.js';
import { registerReportCommands } from './report-commands.js';
import { registerRun } from './run.js';
import { registerSlurmArray } from './slurm-array.js';
import { registerWork } from './work.js';

export function registerCommands(program: Command, io: Io, schedule: Schedule): void {
  registerRun(program, io, schedule);
  registerEvaluate(program, io, schedule);
  registerReportCommands(program, io, schedule);
  registerExport(program, io, schedule);
  registerDemo(program, io, schedule);
  registerReplay(program, io, schedule);
  registerPlan(program, io, schedule);
  registerWork(program, io, schedule);
  registerK8sJob(commandGroup(program, 'k8s', 'Kubernetes: manifests for running sera-eval on a cluster'), io, schedule);
  registerSlurmArray(commandGroup(program, 'slurm', 'Slurm: batch scripts for running sera-eval on a cluster'), io, schedule);
  registerK8sSetup(commandGroup(program, 'k8s', 'Kubernetes: manifests for running sera-eval on a cluster'), io, schedule);
}

/** A parent command such as `k8s`, shared by the subcommands that several modules add to it. */
function commandGroup(program: Command, name: string, summary: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).summary(summary);
}
