/**
 * The run spec is the identity of a run: resuming a run directory with a setting that can change
 * its results (model, sampling, limits, dataset, images, contexts, agent version, grading) would
 * mix rollouts of two different experiments under one run.json, so it is refused, naming every
 * field that differs. Settings that cannot change results (workers, concurrency, output paths,
 * the instance selection and seeds, which only add cells) may change.
 *
 * Kept apart from how run.json is written so the list travels with the run spec when its format
 * changes.
 */
import { InputError } from '../errors.js';
import type { RunSpec } from '../run-dir/run-spec.js';

/** run spec paths that define a run; `*` is any key (one per context). */
export const RUN_DEFINING_FIELDS: readonly string[] = [
  'command',
  'model_name_or_path',
  'model.endpoints.*.model',
  'model.endpoints.*.max_model_len',
  'model.endpoints.*.context_tokens',
  'model.sampling.temperature',
  'model.sampling.top_p',
  'model.sampling.max_tokens',
  'limits.max_steps',
  'limits.rollout_timeout_s',
  'benchmark.name',
  'benchmark.dataset.source',
  'benchmark.dataset.sha256',
  'benchmark.dataset.revision',
  'benchmark.image_template',
  'contexts',
  'versions.sera-eval',
  'agent.name',
  'agent.config',
  'grading.timeout_s',
  'grading.network',
  'grading.memory_bytes',
  'grading.pids_limit',
];

type Json = unknown;

function at(value: Json, parts: readonly string[]): Json {
  let current = value;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, Json>)[part];
  }
  return current;
}

/** Expand `*` over the keys either side has, giving concrete paths. */
function expand(pattern: string, a: Json, b: Json): string[][] {
  const parts = pattern.split('.');
  const star = parts.indexOf('*');
  if (star < 0) return [pattern === 'versions.sera-eval' ? ['versions', 'sera-eval'] : parts];
  const prefix = parts.slice(0, star);
  const keys = new Set<string>();
  for (const side of [a, b]) {
    const object = at(side, prefix);
    if (object && typeof object === 'object') for (const key of Object.keys(object)) keys.add(key);
  }
  return [...keys].sort().map((key) => [...prefix, key, ...parts.slice(star + 1)]);
}

const show = (value: Json): string => JSON.stringify(value);

export interface IdentityDifference {
  field: string;
  recorded: Json;
  requested: Json;
}

/** Differences in run-defining fields between the run.json on disk and this invocation. */
export function identityDifferences(recorded: RunSpec, requested: RunSpec): IdentityDifference[] {
  const differences: IdentityDifference[] = [];
  for (const pattern of RUN_DEFINING_FIELDS) {
    for (const parts of expand(pattern, recorded, requested)) {
      const before = at(recorded, parts);
      const now = at(requested, parts);
      if (show(before) !== show(now)) differences.push({ field: parts.join('.'), recorded: before, requested: now });
    }
  }
  return differences;
}

export function assertSameRun(file: string, recorded: RunSpec, requested: RunSpec): void {
  const differences = identityDifferences(recorded, requested);
  if (differences.length === 0) return;
  const lines = differences.map((d) => `  ${d.field}: run.json has ${show(d.recorded)}, this invocation ${d.requested === undefined ? 'none' : show(d.requested)}`);
  throw new InputError(
    `${file}: this run directory holds a different run; resuming it would mix results of two settings.\n${lines.join('\n')}\n` +
      `Use a new --run-id, or the settings recorded in run.json.`,
  );
}
