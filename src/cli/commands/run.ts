import type { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_LIMITS } from '../../agents/sera/agent-loop.js';
import { DEFAULT_REQUEST_TIMEOUT_S } from '../../model/model-client.js';
import { scaffolds } from '../../agents/scaffolds.js';
import { InputError } from '../../errors.js';
import { planRollouts, type EndpointRequest, type RolloutRequest } from '../../pipeline/plan-run.js';
import { startRollouts } from '../../pipeline/start-run.js';
import { assertNotPlanned } from '../../pipeline/shards-plan.js';
import { ContainerFlagsSchema, addContainerOptions, gradingSpec, runLayoutFor, sandboxFor, sandboxManifest } from '../grading-options.js';
import { contextList, defaultWorkers, positiveInt, seedList } from '../flags.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../io.js';
import { SelectionFlagsSchema, addSelectionOptions, selectionRequest } from '../selection.js';
import { pluginConfig } from '../plugin-config.js';
import { renderSummaryLine } from '../summary-line.js';

export const RunFlagsSchema = SelectionFlagsSchema.extend(ContainerFlagsSchema.shape).extend({
  baseUrl: z.string().url('expected the server URL, e.g. http://localhost:8000/v1').optional(),
  endpoint: z.array(z.string().regex(/^[^=]+=.+$/, 'expected CONTEXT=URL, e.g. 64k=http://host:8001/v1')).default([]),
  model: z.string().optional(),
  agent: z.string().min(1).default('sera'),
  agentConfig: z.string().optional(),
  apiKeyEnv: z.string().default('OPENAI_API_KEY'),
  context: contextList,
  seeds: seedList,
  temperature: z.coerce.number().min(0).max(2),
  topP: z.coerce.number().gt(0).max(1),
  maxTokens: positiveInt.optional(),
  maxSteps: positiveInt,
  rolloutTimeout: positiveInt.optional(),
  requestTimeout: positiveInt.default(DEFAULT_REQUEST_TIMEOUT_S),
  concurrency: positiveInt,
  evalWorkers: positiveInt.default(defaultWorkers()),
});
export type RunFlags = z.infer<typeof RunFlagsSchema>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addRunOptions(command: Command): Command {
  command
    .option('--base-url <url>', 'OpenAI-compatible endpoint (vLLM with --enable-auto-tool-choice --tool-call-parser hermes)')
    .option('--endpoint <context=url>', 'a separate endpoint per context length, e.g. 64k=http://host:8001/v1 (repeatable)', collect)
    .option('--model <name>', 'served model name (default: the one model /v1/models lists)')
    .option('--agent <name>', `agent scaffold: ${scaffolds.names().join(', ')}`, 'sera')
    .option('--agent-config <json|@file>', "the agent scaffold's own settings as JSON, over those --max-steps and --rollout-timeout give it")
    .option('--api-key-env <name>', 'environment variable holding the API key; never written anywhere', 'OPENAI_API_KEY')
    .option('--context <lengths>', 'context lengths, e.g. 32k,64k; a longer endpoint is held to each budget with /tokenize', '32k')
    .option('--seeds <seeds>', 'sampling seeds, e.g. 1,2,3 (the paper averages three)', '1')
    .option('--temperature <t>', 'sampling temperature (SERA e2e.yaml: 0.0)', '0')
    .option('--top-p <p>', 'top_p, always sent as SWE-agent does', '1')
    .option('--max-tokens <n>', 'cap on completion tokens per call (default: none, as SWE-agent)')
    .option('--max-steps <n>', 'model calls per rollout, requeries included (SERA: 115)', String(DEFAULT_LIMITS.maxModelCalls))
    .option('--rollout-timeout <seconds>', 'wall-clock limit per rollout (exit_timeout), enforced during model requests too')
    .option('--request-timeout <seconds>', 'limit per model request, body included; a hung request is aborted and retried', String(DEFAULT_REQUEST_TIMEOUT_S))
    .option('--concurrency <n>', 'rollouts at once (bound by the model server)', '8')
    .option('--eval-workers <n>', 'grading containers at once (default: min(0.75 × cores, 24))');
  addSelectionOptions(command);
  return addContainerOptions(command);
}

export const runCommand = defineCommand({
  name: 'run',
  flagsSchema: RunFlagsSchema,
  configure: (command) =>
    addRunOptions(
      command
        .summary('roll out the SERA agent against a vLLM endpoint and grade every patch')
        .description(
          "Run the SERA agent (SWE-agent 1.x templates, bash / str_replace_editor / submit, native function calling) on every selected " +
            "instance × context × seed in the instance's container, and grade each patch in a fresh container as soon as its rollout " +
            'ends. Results go to <output>/<run-id>/; the same --run-id resumes without redoing finished rollouts or grades.',
        ),
    ),
  async handler(flags, { io }) {
    const { runId, layout } = runLayoutFor(flags, 'run');
    assertNotPlanned(layout.root);
    const sandbox = await sandboxFor(flags, { id: runId, dir: layout.root }, io, flags.evalWorkers);
    const planned = await planRollouts(await rolloutRequest(flags, runId, 'run', sandboxManifest(sandbox)), io);
    const summary = await startRollouts(planned, { layout, sandbox: sandbox.provider, io });
    io.stdout.write(renderSummaryLine(summary, layout.root));
    return EXIT.ok;
  },
});

/** The flags of `run` as the typed request the planner turns into the run spec. */
export async function rolloutRequest(flags: RunFlags, runId: string, command: 'run' | 'demo', sandbox: RolloutRequest['sandbox']): Promise<RolloutRequest> {
  const scaffold = scaffolds.get(flags.agent);
  const fromFlags = scaffold.fromRunLimits?.({ maxSteps: flags.maxSteps, ...(flags.rolloutTimeout === undefined ? {} : { rolloutTimeoutS: flags.rolloutTimeout }) }) ?? {};
  return {
    command,
    runId,
    selection: selectionRequest(flags),
    skipUnsupported: flags.skipUnsupported,
    imageTemplate: flags.imageTemplate,
    endpoints: endpointsFor(flags),
    ...(flags.model ? { model: flags.model } : {}),
    apiKeyEnv: flags.apiKeyEnv,
    requestTimeoutS: flags.requestTimeout,
    sampling: { temperature: flags.temperature, top_p: flags.topP, max_tokens: flags.maxTokens ?? null },
    agent: { name: scaffold.name, config: await pluginConfig('--agent-config', { kind: 'agent', ...scaffold }, fromFlags, flags.agentConfig) },
    limits: { max_steps: flags.maxSteps, rollout_timeout_s: flags.rolloutTimeout ?? null },
    seeds: flags.seeds,
    sandbox,
    grading: gradingSpec(flags, flags.evalWorkers),
    execution: { concurrency: flags.concurrency, eval_workers: flags.evalWorkers },
  };
}

/** `--base-url` and `--endpoint CONTEXT=URL` as one endpoint per `--context`. */
function endpointsFor(flags: Pick<RunFlags, 'endpoint' | 'context' | 'baseUrl'>): EndpointRequest[] {
  const unknown = flags.endpoint.map((e) => e.slice(0, e.indexOf('='))).filter((name) => !flags.context.some((c) => c.name === name));
  if (unknown.length > 0) throw new InputError(`--endpoint: ${unknown.join(', ')} is not among --context ${flags.context.map((c) => c.name).join(',')}`);
  return flags.context.map((context) => {
    const specific = flags.endpoint.find((e) => e.slice(0, e.indexOf('=')) === context.name);
    const url = specific ? specific.slice(specific.indexOf('=') + 1) : flags.baseUrl;
    if (!url) throw new InputError(`--context ${context.name}: no endpoint; give --base-url or --endpoint ${context.name}=URL`);
    return { context: context.name, tokens: context.tokens, url };
  });
}
