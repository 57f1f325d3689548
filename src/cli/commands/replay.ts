import { z } from 'zod';
import { seraScaffold } from '../../agents/sera/sera-scaffold.js';
import { DEFAULT_REQUEST_TIMEOUT_S } from '../../model/model-client.js';
import { DEFAULT_LIMITS } from '../../agents/sera/agent-loop.js';
import { startReplayServer } from '../../model/replay-server.js';
import { compareReplays, readRecordedRollout, renderComparison, replayScriptFor, sharedCell, type RecordedRollout } from '../../pipeline/replay-trajectory.js';
import { ContainerFlagsSchema, addContainerOptions, gradingSpec, runLayoutFor, sandboxFor, type ContainerFlags } from '../grading-options.js';
import { contextList, parseFlags, positiveInt } from '../flags.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../io.js';
import { planRollouts, type RolloutRequest } from '../../pipeline/plan-run.js';
import { assertNotPlanned } from '../../pipeline/shards-plan.js';
import { startRollouts } from '../../pipeline/start-run.js';

const ReplayFlagsSchema = ContainerFlagsSchema.extend({
  trajectories: z.array(z.string()).min(1, 'expected at least one .traj.json file'),
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

export const replayCommand = defineCommand({
  name: 'replay',
  flagsSchema: ReplayFlagsSchema,
  configure: (command) =>
    addContainerOptions(
      command
        .summary("re-run recorded trajectories against fresh containers and compare the patches")
        .description(
          "Serve each recorded rollout's model turns from a local replay server and run them exactly as `run` does (same agent, " +
            'a fresh container from the instance image, grading in another fresh container), at the context and seed the ' +
            'trajectories were recorded with. Prints whether each replayed patch equals the recorded submission, and the new ' +
            'verdict. --dataset and --image-template default to those in the run.json of the run directory holding the trajectory.',
        )
        .argument('<trajectories...>', '.traj.json files, all of one context and seed')
        .option('--dataset <name|path>', 'dataset with the trajectories\' instances (default: the recorded run\'s, else verified)')
        .option('--eval-workers <n>', 'grading containers at once', '2'),
    ),
  async handler(own, { io, optionSource }) {
    const recorded: RecordedRollout[] = [];
    for (const file of own.trajectories) recorded.push(await readRecordedRollout(file));
    const { context, seed } = sharedCell(recorded);
    const manifest = recorded.find((r) => r.manifest !== null)?.manifest ?? null;
    const sampling = RecordedSamplingSchema.parse(recorded[0]!.trajectory.sampling);
    const flags: ContainerFlags = {
      ...own,
      imageTemplate: optionSource('imageTemplate') === 'default' ? (manifest?.benchmark.image_template ?? own.imageTemplate) : own.imageTemplate,
    };
    const contextLength = parseFlags(z.object({ context: contextList }), { context }, 'replay').context[0]!;
    const { runId, layout } = runLayoutFor(flags, 'replay');
    assertNotPlanned(layout.root);
    const sandbox = await sandboxFor(flags, { id: runId, dir: layout.root }, io, own.evalWorkers);
    const replay = await startReplayServer(replayScriptFor(recorded, contextLength.tokens));
    try {
      const request: RolloutRequest = {
        command: 'run',
        runId,
        selection: {
          ...(manifest ? { benchmark: manifest.benchmark.name } : {}),
          ...(own.dataset !== undefined ? { dataset: own.dataset } : manifest ? { dataset: manifest.benchmark.dataset.source } : {}),
          filters: { instances: recorded.map((r) => r.trajectory.instance_id) },
        },
        skipUnsupported: false,
        imageTemplate: flags.imageTemplate,
        endpoints: [{ context: contextLength.name, tokens: contextLength.tokens, url: replay.url }],
        apiKeyEnv: NO_API_KEY_ENV,
        requestTimeoutS: DEFAULT_REQUEST_TIMEOUT_S,
        sampling: { temperature: sampling.temperature, top_p: sampling.top_p, max_tokens: sampling.max_tokens ?? null },
        agent: { name: seraScaffold.name },
        // the step limit the recording ran under, so a rollout that hit it hits it again
        limits: { max_steps: manifest?.limits?.max_steps ?? DEFAULT_LIMITS.maxModelCalls, rollout_timeout_s: null },
        seeds: [Number(seed)],
        sandbox: { name: sandbox.name, config: sandbox.config },
        grading: gradingSpec(flags, own.evalWorkers),
        execution: { concurrency: 1, eval_workers: own.evalWorkers },
      };
      await startRollouts(await planRollouts(request, io), { layout, sandbox: sandbox.provider, io });
    } finally {
      await replay.close();
    }
    for (const comparison of await compareReplays(recorded, layout)) io.stdout.write(renderComparison(comparison));
    io.stdout.write(`run directory: ${layout.root}\n`);
    return EXIT.ok;
  },
});
