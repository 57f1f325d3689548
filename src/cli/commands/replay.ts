import type { Command } from 'commander';
import { z } from 'zod';
import { seraScaffold } from '../../agents/sera/sera-scaffold.js';
import { DEFAULT_REQUEST_TIMEOUT_S } from '../../model/model-client.js';
import { DEFAULT_LIMITS } from '../../agents/sera/agent-loop.js';
import { startReplayServer } from '../../model/replay-server.js';
import { compareReplays, readRecordedRollout, renderComparison, replayScriptFor, sharedCell, type RecordedRollout } from '../../pipeline/replay-trajectory.js';
import { ContainerFlagsSchema, addContainerOptions, runLayoutFor, sandboxFor } from '../grading-options.js';
import { contextList, parseFlags, positiveInt } from '../flags.js';
import { EXIT, type Io } from '../io.js';
import type { Schedule } from '../schedule.js';
import { executeRun, type RunFlags } from './run.js';

const ReplayFlagsSchema = ContainerFlagsSchema.extend({
  dataset: z.string().min(1).optional(),
  evalWorkers: positiveInt,
});

/** The sampling a trajectory recorded (snake_case, as sent). */
const RecordedSamplingSchema = z.object({
  temperature: z.number().default(0),
  top_p: z.number().default(1),
  max_tokens: z.number().int().positive().optional(),
});

/** No key is sent to the local replay server, whatever OPENAI_API_KEY holds. */
const NO_API_KEY_ENV = 'SERA_EVAL_REPLAY_NO_KEY';

export function registerReplay(program: Command, io: Io, schedule: Schedule): void {
  const command = program
    .command('replay')
    .summary("re-run recorded trajectories against fresh containers and compare the patches")
    .description(
      "Serve each recorded rollout's model turns from a local replay server and run them exactly as `run` does (same agent, " +
        'a fresh container from the instance image, grading in another fresh container), at the context and seed the ' +
        'trajectories were recorded with. Prints whether each replayed patch equals the recorded submission, and the new ' +
        'verdict. --dataset and --image-template default to those in the run.json of the run directory holding the trajectory.',
    )
    .argument('<trajectories...>', '.traj.json files, all of one context and seed')
    .option('--dataset <name|path>', 'dataset with the trajectories\' instances (default: the recorded run\'s, else verified)')
    .option('--eval-workers <n>', 'grading containers at once', '2');
  addContainerOptions(command);
  command.action((files: string[], raw: Record<string, unknown>, self: Command) =>
    schedule(async () => {
      const recorded: RecordedRollout[] = [];
      for (const file of files) recorded.push(await readRecordedRollout(file));
      const { context, seed } = sharedCell(recorded);
      const manifest = recorded.find((r) => r.manifest !== null)?.manifest ?? null;
      const own = parseFlags(ReplayFlagsSchema, raw, 'replay');
      const sampling = RecordedSamplingSchema.parse(recorded[0]!.trajectory.sampling);
      const flags: RunFlags = {
        ...own,
        imageTemplate: self.getOptionValueSource('imageTemplate') === 'default' ? (manifest?.image_template ?? own.imageTemplate) : own.imageTemplate,
        ...(own.dataset === undefined && manifest ? { dataset: manifest.dataset.source } : {}),
        ...(manifest?.benchmark === undefined ? {} : { benchmark: manifest.benchmark }),
        skipUnsupported: false,
        instances: recorded.map((r) => r.trajectory.instance_id).join(','),
        endpoint: [],
        agent: seraScaffold.name,
        apiKeyEnv: NO_API_KEY_ENV,
        context: parseFlags(z.object({ context: contextList }), { context }, 'replay').context,
        seeds: [Number(seed)],
        temperature: sampling.temperature,
        topP: sampling.top_p,
        ...(sampling.max_tokens === undefined ? {} : { maxTokens: sampling.max_tokens }),
        // the step limit the recording ran under, so a rollout that hit it hits it again
        maxSteps: manifest?.limits?.max_steps ?? DEFAULT_LIMITS.maxModelCalls,
        requestTimeout: DEFAULT_REQUEST_TIMEOUT_S,
        concurrency: 1,
      };
      const { runId, layout } = runLayoutFor(flags, 'replay');
      const replay = await startReplayServer(replayScriptFor(recorded, flags.context[0]!.tokens));
      try {
        await executeRun({ ...flags, baseUrl: replay.url }, runId, layout, await sandboxFor(flags, runId, io, flags.evalWorkers), io);
      } finally {
        await replay.close();
      }
      for (const comparison of await compareReplays(recorded, layout)) io.stdout.write(renderComparison(comparison));
      io.stdout.write(`run directory: ${layout.root}\n`);
      return EXIT.ok;
    }),
  );
}
