import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';
import { PathLabelSchema } from '../run-dir/path-id.js';
import { PredictionSchema, type Prediction } from '../run-dir/schemas.js';
import { didYouMean } from './close-matches.js';
import { parseJsonLines, type RawRecord } from './read-records.js';
import type { SweBenchInstance } from './schema.js';
import { describeZodIssues } from './zod-issues.js';

const Label = z.union([z.string(), z.number().transform(String)]).pipe(PathLabelSchema);

/** A row of a predictions file: the official three fields plus our optional context and seed. */
const PredictionFileRowSchema = PredictionSchema.extend({
  context: Label.optional().describe('context length the patch was produced with, e.g. 32k'),
  seed: Label.optional().describe('sampling seed'),
});

/**
 * `gold` (the rows' own patches), `empty` (an empty patch per row) or a predictions file: .jsonl,
 * a .json list, or a .json object keyed by instance_id (SWE-bench's three formats).
 * @throws InputError naming the file, line or key and field: a schema failure, an id not in `rows`,
 *   or the same (instance_id, context, seed) twice.
 */
export async function loadPredictions(spec: string, rows: SweBenchInstance[]): Promise<Prediction[]> {
  if (spec === 'gold') {
    return rows.map((r) => ({ instance_id: r.instance_id, model_name_or_path: 'gold', model_patch: r.patch }));
  }
  if (spec === 'empty') {
    return rows.map((r) => ({ instance_id: r.instance_id, model_name_or_path: 'empty', model_patch: '' }));
  }
  let text: string;
  try {
    text = await readFile(spec, 'utf8');
  } catch (err) {
    throw new InputError(`--predictions ${spec}: cannot read (${errorMessage(err)}); expected a path, gold or empty`);
  }
  const records = spec.endsWith('.jsonl') ? parseJsonLines(text, spec) : parseJsonRecords(text, spec);
  return validatePredictions(records, rows);
}

function parseJsonRecords(text: string, file: string): RawRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${errorMessage(err)}); expected .jsonl, a JSON list or a JSON object`);
  }
  if (Array.isArray(value)) return value.map((item, index) => ({ value: item, location: `${file}[${index}]` }));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).map(([id, item]) => {
      const location = `${file} key ${JSON.stringify(id)}`;
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new InputError(`${location}: expected an object with model_patch`);
      }
      const inner = item as Record<string, unknown>;
      if (inner.instance_id !== undefined && inner.instance_id !== id) {
        throw new InputError(`${location}: field instance_id is ${JSON.stringify(inner.instance_id)}, not the key`);
      }
      return { value: { ...inner, instance_id: id }, location };
    });
  }
  throw new InputError(`${file}: expected a JSON list of predictions or an object keyed by instance_id`);
}

function validatePredictions(records: RawRecord[], rows: SweBenchInstance[]): Prediction[] {
  const known = new Set(rows.map((r) => r.instance_id));
  const seen = new Map<string, string>();
  return records.map(({ value, location }) => {
    const parsed = PredictionFileRowSchema.safeParse(value);
    if (!parsed.success) throw new InputError(`${location}: ${describeZodIssues(parsed.error)}`);
    const prediction = parsed.data;
    if (!known.has(prediction.instance_id)) {
      throw new InputError(
        `${location}: field instance_id: ${prediction.instance_id} is not in the selected dataset rows` +
          didYouMean(prediction.instance_id, known),
      );
    }
    const key = JSON.stringify([prediction.instance_id, prediction.context ?? null, prediction.seed ?? null]);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(
        `${location}: duplicate prediction for ${prediction.instance_id}` +
          ` (context ${prediction.context ?? '-'}, seed ${prediction.seed ?? '-'}; first at ${first})`,
      );
    }
    seen.set(key, location);
    return prediction;
  });
}
