import type { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_LIMITS } from '../../agents/sera/agent-loop.js';
import { connectModelClient, DEFAULT_REQUEST_TIMEOUT_S, type ModelClient } from '../../model/model-client.js';
import { preflightEndpoints } from '../../agents/sera/preflight.js';
import { collectRunCard } from '../../pipeline/run-card.js';
import type { SweBenchInstance } from '../../dataset/schema.js';
import type { ManifestFields } from '../../pipeline/manifest.js';
import { scaffolds } from '../../agents/scaffolds.js';
import { benchmarkFor } from '../../benchmarks/benchmarks.js';
import type { ChosenScaffold } from '../../pipeline/rollout-cell.js';
import { InfrastructureError, InputError, errorMessage } from '../../errors.js';
import { runBenchmark, type ContextPlan } from '../../pipeline/benchmark-run.js';
import { onInterrupt } from '../../pipeline/interrupt.js';
import { assertNotPlanned } from '../../pipeline/shards-plan.js';
import type { Summary } from '../../report/summary-schema.js';
import type { RunLayout } from '../../run-dir/layout.js';
import { ContainerFlagsSchema, addContainerOptions, containerCpus, runLayoutFor, sandboxFor, sandboxManifest, type ChosenSandbox } from '../grading-options.js';
import { contextList, defaultWorkers, parseFlags, positiveInt, seedList, type ContextLength } from '../flags.js';
import { EXIT, type Io } from '../io.js';
import { SelectionFlagsSchema, addSelectionOptions, selectInstances, type Selection } from '../selection.js';
import { pluginConfig } from '../plugin-config.js';
import { renderSummaryLine } from '../summary-line.js';
import type { Schedule } from '../schedule.js';

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

export function registerRun(program: Command, io: Io, schedule: Schedule): void {
  const command = program
    .command('run')
    .summary('roll out the SERA agent against a vLLM endpoint and grade every patch')
    .description(
      "Run the SERA agent (SWE-agent 1.x templates, bash / str_replace_editor / submit, native function calling) on every selected " +
        "instance × context × seed in the instance's container, and grade each patch in a fresh container as soon as its rollout " +
        'ends. Results go to <output>/<run-id>/; the same --run-id resumes without redoing finished rollouts or grades.',
    );
  addRunOptions(command);
  command.action((raw: Record<string, unknown>) =>
    schedule(async () => {
      const flags = parseFlags(RunFlagsSchema, raw, 'run');
      const { runId, layout } = runLayoutFor(flags, 'run');
      const summary = await executeRun(flags, runId, layout, await sandboxFor(flags, runId, io, flags.evalWorkers), io);
      io.stdout.write(renderSummaryLine(summary, layout.root));
      return EXIT.ok;
    }),
  );
}

/** A shard worker's part of a planned run: the plan's instances and manifest, and the cells it owns. */
export interface RunScope {
  instances: SweBenchInstance[];
  manifest: ManifestFields;
  cells: ReadonlySet<string>;
}

/** The body of `run`, shared with `demo` (which brings its own endpoint and images) and `work`. */
export async function executeRun(
  flags: RunFlags,
  runId: string,
  layout: RunLayout,
  sandbox: ChosenSandbox,
  io: Io,
  command: 'run' | 'demo' = 'run',
  scope?: RunScope,
): Promise<Summary> {
  if (!scope) assertNotPlanned(layout.root);
  const selection = scope ? null : await selectInstances(flags);
  const instances = scope?.instances ?? selection!.instances;
  const apiKey = process.env[flags.apiKeyEnv];
  const contexts = await connectContexts(flags, apiKey);
  await preflightContexts(flags, contexts, io, command);
  const removeHandlers = sandbox.provider.installCleanup({ reraise: false });
  const interrupt = onInterrupt((m) => io.stderr.write(`${m}\n`));
  io.stderr.write(
    `sera-eval ${command}: ${instances.length} instances × ${contexts.length} contexts × ${flags.seeds.length} seeds` +
      ` with ${contexts[0]?.client.model} → ${layout.root}\n`,
  );
  try {
    return await runBenchmark(
      {
        layout,
        manifest: scope?.manifest ?? { ...(await runManifestFields(flags, runId, command, selection!, contexts, apiKey)), sandbox: sandboxManifest(sandbox) },
        instances,
        benchmark: benchmarkFor(flags.benchmark, flags.dataset),
        skipUnsupported: flags.skipUnsupported,
        agent: await chooseScaffold(flags),
        contexts,
        seeds: flags.seeds,
        sampling: { temperature: flags.temperature, topP: flags.topP, ...(flags.maxTokens === undefined ? {} : { maxTokens: flags.maxTokens }) },
        imageTemplate: flags.imageTemplate,
        concurrency: flags.concurrency,
        evalWorkers: flags.evalWorkers,
        grading: { timeoutS: flags.timeout, maxOutputBytes: flags.maxOutput },
        ...(scope ? { cells: scope.cells } : {}),
      },
      { sandbox: sandbox.provider, progress: io.stderr, signal: interrupt.signal },
    );
  } finally {
    interrupt.dispose();
    removeHandlers();
  }
}

/** One request with SERA's tools per endpoint: a server without tool calling stops here (exit 3). */
export async function preflightContexts(flags: RunFlags, contexts: readonly ContextPlan[], io: Io, command: string): Promise<void> {
  const warnings = await preflightEndpoints(contexts.map((c) => ({ client: c.client, label: withoutCredentials(endpointFor(flags, c)) })));
  for (const warning of warnings) io.stderr.write(`sera-eval ${command}: warning: ${warning}\n`);
}

/** What run.json records for a rollout run, run card included; `plan` writes the same fields for its workers. */
export async function runManifestFields(
  flags: RunFlags,
  runId: string,
  command: 'run' | 'demo',
  selection: Selection,
  contexts: readonly ContextPlan[],
  apiKey: string | undefined,
): Promise<ManifestFields> {
  const agent = await chooseScaffold(flags);
  return {
    run_id: runId,
    command,
    dataset: { source: selection.dataset.source, sha256: selection.dataset.sha256, rows: selection.dataset.rows.length },
    filters: { ...selection.filters },
    agent: { name: agent.scaffold.name, config: agent.config },
    instance_ids: selection.instances.map((r) => r.instance_id),
    model_name_or_path: contexts[0]!.client.model,
    contexts: contexts.map((c) => c.name),
    seeds: flags.seeds.map(String),
    endpoints: Object.fromEntries(contexts.map((c) => [c.name, { url: withoutCredentials(endpointFor(flags, c)), model: c.client.model, max_model_len: c.client.maxModelLen ?? null, context_tokens: c.tokens }])),
    sampling: { temperature: flags.temperature, top_p: flags.topP, max_tokens: flags.maxTokens ?? null },
    limits: { max_steps: flags.maxSteps, rollout_timeout_s: flags.rolloutTimeout ?? null },
    image_template: flags.imageTemplate,
    grading: { timeout_s: flags.timeout, network: flags.network, memory_bytes: flags.memory, pids_limit: flags.pids, cpus: containerCpus(flags, flags.evalWorkers) },
    run_card: await collectRunCard({
      endpoints: contexts.map((c) => ({ context: c.name, url: endpointFor(flags, c), model: c.client.model })),
      // `plan` writes this for its workers; the pipeline narrows it to the planned instances
      images: Object.fromEntries(selection.instances.map((i) => [i.instance_id, selection.benchmark.imageFor(i, flags.imageTemplate)])),
      ...(apiKey ? { apiKey } : {}),
    }),
  };
}

async function chooseScaffold(flags: RunFlags): Promise<ChosenScaffold> {
  const scaffold = scaffolds.get(flags.agent);
  const fromFlags = scaffold.fromRunLimits?.({ maxSteps: flags.maxSteps, ...(flags.rolloutTimeout === undefined ? {} : { rolloutTimeoutS: flags.rolloutTimeout }) }) ?? {};
  const config = await pluginConfig('--agent-config', { kind: 'agent', ...scaffold }, fromFlags, flags.agentConfig);
  return { scaffold, config };
}

function endpointFor(flags: RunFlags, context: ContextLength): string {
  const specific = flags.endpoint.find((e) => e.slice(0, e.indexOf('=')) === context.name);
  const url = specific ? specific.slice(specific.indexOf('=') + 1) : flags.baseUrl;
  if (!url) throw new InputError(`--context ${context.name}: no endpoint; give --base-url or --endpoint ${context.name}=URL`);
  return url;
}

/** One client per endpoint; a budget longer than what its server serves cannot be honoured. */
export async function connectContexts(flags: RunFlags, apiKey: string | undefined): Promise<ContextPlan[]> {
  const unknown = flags.endpoint.map((e) => e.slice(0, e.indexOf('='))).filter((name) => !flags.context.some((c) => c.name === name));
  if (unknown.length > 0) throw new InputError(`--endpoint: ${unknown.join(', ')} is not among --context ${flags.context.map((c) => c.name).join(',')}`);
  const clients = new Map<string, Promise<ModelClient>>();
  const plans: ContextPlan[] = [];
  for (const context of flags.context) {
    const url = endpointFor(flags, context);
    if (!clients.has(url)) {
      clients.set(
        url,
        connectModelClient({ baseUrl: url, requestTimeoutS: flags.requestTimeout, ...(flags.model ? { model: flags.model } : {}), ...(apiKey ? { apiKey } : {}) }).catch((err: unknown) => {
          if (err instanceof InputError) throw err;
          throw new InfrastructureError('model_server_unreachable', `${withoutCredentials(url)}: GET /v1/models failed: ${errorMessage(err)}`, { cause: err });
        }),
      );
    }
    const client = await clients.get(url)!;
    if (client.maxModelLen !== undefined && client.maxModelLen < context.tokens) {
      throw new InputError(
        `--context ${context.name}: ${withoutCredentials(url)} serves max_model_len ${client.maxModelLen} < ${context.tokens}; ` +
          `start vLLM with --max-model-len ${context.tokens} or pass --endpoint ${context.name}=URL`,
      );
    }
    plans.push({ name: context.name, tokens: context.tokens, client });
  }
  return plans;
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
