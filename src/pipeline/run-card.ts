/**
 * The run card: what a score needs to be reproduced, recorded in run.json beside the settings.
 * The serving side is asked, not assumed: each endpoint's /v1/models (served id, checkpoint root,
 * max_model_len) and vLLM's GET /version, since the server version alone can move a score. A
 * server that does not answer these leaves null; the card never stops a run.
 */
import { z } from 'zod';
import type { RunCard } from '../run-dir/run-spec.js';

export interface CardEndpoint {
  context: string;
  /** The OpenAI-compatible base URL, …/v1. */
  url: string;
  model: string;
}

export interface RunCardInput {
  endpoints: readonly CardEndpoint[];
  images: Record<string, string>;
  apiKey?: string;
  fetch?: typeof fetch;
}

const ModelsSchema = z.object({
  data: z.array(z.object({ id: z.string(), root: z.string().nullish(), max_model_len: z.number().int().nullish() }).passthrough()),
});
const VersionSchema = z.object({ version: z.string() });

async function getJson<S extends z.ZodType>(url: string, schema: S, input: RunCardInput): Promise<z.output<S> | null> {
  try {
    const response = await (input.fetch ?? fetch)(url, {
      headers: input.apiKey ? { authorization: `Bearer ${input.apiKey}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) return null;
    const parsed = schema.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** vLLM serves /version at the server root, beside /v1. */
function serverRoot(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export async function collectRunCard(input: RunCardInput): Promise<RunCard> {
  const endpoints: RunCard['endpoints'] = {};
  for (const e of input.endpoints) {
    const base = e.url.replace(/\/+$/, '');
    const [models, version] = await Promise.all([
      getJson(`${base}/models`, ModelsSchema, input),
      getJson(`${serverRoot(base)}/version`, VersionSchema, input),
    ]);
    const card = models?.data.find((m) => m.id === e.model);
    endpoints[e.context] = {
      model: e.model,
      root: card?.root ?? null,
      max_model_len: card?.max_model_len ?? null,
      server_version: version?.version ?? null,
    };
  }
  return { endpoints, images: { ...input.images } };
}
