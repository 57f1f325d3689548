import type { CliCommand } from '../command.js';
import { demoCommand } from './demo.js';
import { evaluateCommand } from './evaluate.js';
import { exportCommandCli } from './export.js';
import { k8sJobCommand } from './k8s-job.js';
import { k8sSetupCommand } from './k8s-setup.js';
import { planCommand } from './plan.js';
import { replayCommand } from './replay.js';
import { compareCommandCli, nightlyCommandCli, reportCommandCli } from './report-commands.js';
import { runCommand } from './run.js';
import { slurmArrayCommand } from './slurm-array.js';
import { workCommand } from './work.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  runCommand,
  evaluateCommand,
  reportCommandCli,
  compareCommandCli,
  nightlyCommandCli,
  exportCommandCli,
  demoCommand,
  replayCommand,
  planCommand,
  workCommand,
  k8sJobCommand,
  slurmArrayCommand,
  k8sSetupCommand,
] as CliCommand[];

/** The summary of each command group (`sera-eval k8s …`). */
export const GROUPS: Readonly<Record<string, string>> = {
  k8s: 'Kubernetes: manifests for running sera-eval on a cluster',
  slurm: 'Slurm: batch scripts for running sera-eval on a cluster',
};
