/**
 * An sbatch script that runs one `sera-eval work --shard-from-env` task per shard of a planned run
 * (SLURM_ARRAY_TASK_ID picks the shard), at most `parallel` at a time.
 */
import path from 'node:path';

export interface SlurmArrayOptions {
  runId: string;
  /** Absolute path of the run directory, the same on every node. */
  runDir: string;
  shards: number;
  parallel: number;
  /** Shell words that start sera-eval on the nodes, e.g. `npx sera-eval`. */
  command: string;
  jobName?: string;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  chdir?: string;
}

export function slurmArrayScript(options: SlurmArrayOptions): string {
  const directives = [
    `--job-name=${options.jobName ?? `sera-eval-${options.runId}`}`,
    `--array=0-${options.shards - 1}%${options.parallel}`,
    // in the run directory: nothing is written outside it, and Slurm needs the folder to exist (plan made it)
    `--output=${path.join(options.runDir, 'shards', 'slurm-%A_%a.out')}`,
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.time ? [`--time=${options.time}`] : []),
    ...(options.cpusPerTask ? [`--cpus-per-task=${options.cpusPerTask}`] : []),
    ...(options.mem ? [`--mem=${options.mem}`] : []),
    ...(options.chdir ? [`--chdir=${options.chdir}`] : []),
  ];
  return [
    '#!/bin/bash',
    `# sera-eval shard workers for run ${options.runId}: array task i runs shard i+1 of ${options.shards}.`,
    `# ${options.runDir} must be on a filesystem every node mounts at that same path, and each node needs a`,
    '# Docker daemon (or podman\'s Docker-compatible socket through DOCKER_HOST).',
    '# Rerun failed shards by index, e.g.: sbatch --array=1,3 THIS_SCRIPT (each resumes where it stopped).',
    ...directives.map((d) => `#SBATCH ${d}`),
    'set -euo pipefail',
    `exec ${options.command} work ${shellQuote(options.runDir)} --shard-from-env`,
    '',
  ].join('\n');
}

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
