import type { Command } from 'commander';
import { DEFAULT_LIMITS } from '../../agents/sera/agent-loop.js';
import { startReplayServer } from '../../model/replay-server.js';
import { compareReplays, readRecordedRollout, renderComparison, replayScriptFor, sharedCell, type RecordedRollout } from '../../pipeline/replay-trajectory.js';
import { addContainerOptions, runLayoutFor, sandboxFor } from '../grading-options.js';
import { parseFlags } from '../flags.js';
import { EXIT, type CliIo } from '../io.js';
import type { RunManifest } from '../../run-dir/schemas.js';
import type { Schedule } from './index.js';
import { RunFlagsSchema, executeRun } from './run.js';

/** No key is sent to the local replay server, whatever OPENAI_API_KEY holds. */
const NO_API_KEY_ENV = 'SERA_EVAL_REPLAY_NO_KEY';

export function registerReplay(program: Command, io: CliIo, schedule: Schedule): void {
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
      const recordedTemplate = typeof manifest?.['image_template'] === 'string' ? manifest['image_template'] : undefined;
      const sampling = recorded[0]!.trajectory.sampling;
      const flags = parseFlags(
        RunFlagsSchema,
        {
          ...raw,
          dataset: raw['dataset'] ?? manifest?.dataset.source,
          benchmark: raw['benchmark'] ?? (typeof manifest?.['benchmark'] === 'string' ? manifest['benchmark'] : undefined),
          imageTemplate: self.getOptionValueSource('imageTemplate') === 'default' ? (recordedTemplate ?? raw['imageTemplate']) : raw['imageTemplate'],
          instances: recorded.map((r) => r.trajectory.instance_id).join(','),
          endpoint: [],
          apiKeyEnv: NO_API_KEY_ENV,
          context,
          seeds: seed,
          temperature: String(sampling['temperature'] ?? 0),
          topP: String(sampling['top_p'] ?? 1),
          ...(typeof sampling['max_tokens'] === 'number' ? { maxTokens: String(sampling['max_tokens']) } : {}),
          maxSteps: String(recordedMaxSteps(manifest) ?? DEFAULT_LIMITS.maxModelCalls),
          concurrency: '1',
        },
        'replay',
      );
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

/** The step limit the recording ran under, so a rollout that hit it hits it again. */
function recordedMaxSteps(manifest: RunManifest | null): number | undefined {
  const limits = manifest?.['limits'];
  if (typeof limits !== 'object' || limits === null) return undefined;
  const maxSteps = (limits as Record<string, unknown>)['max_steps'];
  return typeof maxSteps === 'number' ? maxSteps : undefined;
}
