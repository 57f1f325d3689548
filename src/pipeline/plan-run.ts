/**
 * Planning a rollout run: the rows selected, every endpoint connected and preflighted, and the run
 * spec built from what was asked and what answered. The spec is the pipeline's input (run-rollouts.ts
 * reads its settings from it alone) and what run.json records; `plan` writes it for shard workers.
 */
import { scaffolds } from '../agents/scaffolds.js';
import type { SweBenchInstance } from '../dataset/schema.js';
import { InfrastructureError, InputError, errorMessage } from '../errors.js';
import type { Io } from '../io.js';
import { connectModelClient, type ModelClient } from '../model/model-client.js';
import type { RunSpecFields, SpecSandbox } from '../run-dir/run-spec.js';
import type { UnplannedSpec } from './instance-plans.js';
import { collectRunCard } from './run-card.js';
import { benchmarkSection, selectInstances, type Selection, type SelectionRequest } from './select-instances.js';

/** One context length and the endpoint that serves it. */
export interface EndpointRequest {
  /** The label used in paths and reports, e.g. `32k`. */
  context: string;
  tokens: number;
  /** The OpenAI-compatible base URL, …/v1. */
  url: string;
  /** The served model this endpoint must have (a planned run's); absent: the request's. */
  model?: string;
}

/** A rollout run as asked, in typed values: what `run` reads from its flags and `demo` and `replay` build. */
export interface RolloutRequest {
  command: 'run' | 'demo';
  runId: string;
  selection: SelectionRequest;
  skipUnsupported: boolean;
  imageTemplate: string;
  /** One per context, in order. */
  endpoints: readonly EndpointRequest[];
  /** The served model name; absent: the one model /v1/models lists. */
  model?: string;
  /** The environment variable holding the API key: the name is recorded, the key never. */
  apiKeyEnv: string;
  requestTimeoutS: number;
  sampling: NonNullable<RunSpecFields['model']>['sampling'];
  /** The scaffold and its validated settings; absent config: those its run limits give it. */
  agent: { name: string; config?: unknown };
  limits: NonNullable<RunSpecFields['limits']>;
  seeds: readonly number[];
  sandbox: SpecSandbox;
  grading: NonNullable<RunSpecFields['grading']>;
  execution: NonNullable<RunSpecFields['execution']>;
}

export interface PlannedRollouts {
  spec: UnplannedSpec;
  /** The selected rows, which the spec's benchmark section names. */
  rows: SweBenchInstance[];
  /** One client per context, connected to its endpoint. */
  clients: Map<string, ModelClient>;
}

/** @param label the command named in warnings (`plan` plans a `run`) */
export async function planRollouts(request: RolloutRequest, io: Pick<Io, 'stderr'>, label: string = request.command): Promise<PlannedRollouts> {
  const selection = await selectInstances(request.selection);
  const apiKey = process.env[request.apiKeyEnv];
  const clients = await connectEndpoints(request.endpoints, { requestTimeoutS: request.requestTimeoutS, ...(request.model ? { model: request.model } : {}), ...(apiKey ? { apiKey } : {}) });
  // the scaffold checks each endpoint can serve it (SERA: tool calling) once, before any rollout
  const endpoints = request.endpoints.map((e) => ({ client: clients.get(e.context)!, label: withoutCredentials(e.url) }));
  const unique = endpoints.filter((e, i) => endpoints.findIndex((o) => o.client === e.client) === i);
  const warnings = (await scaffolds.get(request.agent.name).preflight?.(unique)) ?? [];
  for (const warning of warnings) io.stderr.write(`sera-eval ${label}: warning: ${warning}\n`);
  return { spec: await rolloutSpec(request, selection, clients, apiKey), rows: selection.instances, clients };
}

async function rolloutSpec(request: RolloutRequest, selection: Selection, clients: ReadonlyMap<string, ModelClient>, apiKey: string | undefined): Promise<UnplannedSpec> {
  const scaffold = scaffolds.get(request.agent.name);
  const config =
    request.agent.config !== undefined
      ? request.agent.config
      : scaffold.configSchema.parse(
          scaffold.fromRunLimits?.({ maxSteps: request.limits.max_steps, ...(request.limits.rollout_timeout_s === null ? {} : { rolloutTimeoutS: request.limits.rollout_timeout_s }) }) ?? {},
        );
  const first = clients.get(request.endpoints[0]!.context)!;
  return {
    run_id: request.runId,
    command: request.command,
    benchmark: benchmarkSection(selection, request),
    model_name_or_path: first.model,
    agent: { name: scaffold.name, config },
    model: {
      endpoints: Object.fromEntries(
        request.endpoints.map((e) => {
          const client = clients.get(e.context)!;
          return [e.context, { url: withoutCredentials(e.url), model: client.model, max_model_len: client.maxModelLen ?? null, context_tokens: e.tokens }];
        }),
      ),
      sampling: request.sampling,
      request_timeout_s: request.requestTimeoutS,
      api_key_env: request.apiKeyEnv,
    },
    limits: request.limits,
    predictions: null,
    sandbox: { name: request.sandbox.name, config: request.sandbox.config, ...(request.sandbox.facts ? { facts: request.sandbox.facts } : {}) },
    grading: request.grading,
    contexts: request.endpoints.map((e) => e.context),
    seeds: request.seeds.map(String),
    execution: request.execution,
    run_card: await collectRunCard({
      endpoints: request.endpoints.map((e) => ({ context: e.context, url: e.url, model: clients.get(e.context)!.model })),
      // the pipeline narrows this to the planned instances
      images: Object.fromEntries(selection.instances.map((i) => [i.instance_id, selection.benchmark.imageFor(i, request.imageTemplate)])),
      ...(apiKey ? { apiKey } : {}),
    }),
  };
}

/**
 * One client per distinct endpoint, keyed by context; a budget longer than what its server serves
 * cannot be honoured. `work` connects a planned spec's endpoints the same way.
 */
export async function connectEndpoints(
  endpoints: readonly EndpointRequest[],
  options: { requestTimeoutS: number; model?: string; apiKey?: string },
): Promise<Map<string, ModelClient>> {
  const byUrl = new Map<string, Promise<ModelClient>>();
  const clients = new Map<string, ModelClient>();
  for (const { context, tokens, url, model } of endpoints) {
    if (!byUrl.has(url)) {
      byUrl.set(
        url,
        connectModelClient({ baseUrl: url, ...options, ...(model ? { model } : {}) }).catch((err: unknown) => {
          if (err instanceof InputError) throw err;
          throw new InfrastructureError('model_server_unreachable', `${withoutCredentials(url)}: GET /v1/models failed: ${errorMessage(err)}`, { cause: err });
        }),
      );
    }
    const client = await byUrl.get(url)!;
    if (client.maxModelLen !== undefined && client.maxModelLen < tokens) {
      throw new InputError(
        `--context ${context}: ${withoutCredentials(url)} serves max_model_len ${client.maxModelLen} < ${tokens}; ` +
          `start vLLM with --max-model-len ${tokens} or pass --endpoint ${context}=URL`,
      );
    }
    clients.set(context, client);
  }
  return clients;
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
