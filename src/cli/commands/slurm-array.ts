import path from 'node:path';
import { z } from 'zod';
import { readShardPlan } from '../../pipeline/shards-plan.js';
import { slurmArrayScript } from '../../pipeline/shards-slurm-array.js';
import { positiveInt } from '../flags.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../io.js';

const SlurmArrayFlagsSchema = z.object({
  runDir: z.string().min(1),
  parallel: positiveInt,
  command: z.string().min(1),
  jobName: z.string().regex(/^\S+$/, 'expected a name without spaces').optional(),
  partition: z.string().min(1).optional(),
  time: z.string().min(1).optional(),
  cpusPerTask: positiveInt.optional(),
  mem: z.string().regex(/^\d+[KMGT]?$/, 'expected a Slurm size, e.g. 32G').optional(),
  chdir: z.string().startsWith('/', 'expected an absolute path').optional(),
});

/** Adds `array` to the `slurm` command group. */
export const slurmArrayCommand = defineCommand({
  name: 'slurm array',
  flagsSchema: SlurmArrayFlagsSchema,
  configure: (command) =>
    command
      .summary('print an sbatch script: one array task per shard of a planned run, P at a time')
      .description(
        'Print an sbatch script with --array=0-(N-1)%P whose task i runs `sera-eval work RUN_DIR --shard-from-env` (shard i+1). ' +
          'RUN_DIR must be on a filesystem every node mounts at the same path; task logs go to RUN_DIR/shards/slurm-<job>_<task>.out.',
      )
      .argument('<run-dir>', 'the run directory written by sera-eval plan, on a shared filesystem')
      .requiredOption('--parallel <p>', 'array tasks running at once (the %P of --array)')
      .option('--command <words>', 'how the nodes start sera-eval', 'npx sera-eval')
      .option('--job-name <name>', 'Slurm job name (default: sera-eval-<run id>)')
      .option('--partition <name>', 'Slurm partition')
      .option('--time <limit>', 'time limit per task, e.g. 12:00:00')
      .option('--cpus-per-task <n>', 'CPUs per task')
      .option('--mem <size>', 'memory per task, e.g. 32G')
      .option('--chdir <dir>', 'working directory of each task (where --command resolves)'),
  async handler(flags, { io }) {
    const { runDir } = flags;
    const plan = await readShardPlan(runDir);
    io.stdout.write(
      slurmArrayScript({
        runId: plan.run_id,
        runDir: path.resolve(runDir),
        shards: plan.count,
        parallel: flags.parallel,
        command: flags.command,
        ...(flags.jobName ? { jobName: flags.jobName } : {}),
        ...(flags.partition ? { partition: flags.partition } : {}),
        ...(flags.time ? { time: flags.time } : {}),
        ...(flags.cpusPerTask ? { cpusPerTask: flags.cpusPerTask } : {}),
        ...(flags.mem ? { mem: flags.mem } : {}),
        ...(flags.chdir ? { chdir: flags.chdir } : {}),
      }),
    );
    return EXIT.ok;
  },
});
