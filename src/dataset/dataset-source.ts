import { InputError } from '../errors.js';

/** Named datasets accepted in place of a Hugging Face id. */
export const DATASET_ALIASES: Readonly<Record<string, string>> = {
  verified: 'princeton-nlp/SWE-bench_Verified',
  lite: 'princeton-nlp/SWE-bench_Lite',
};

export type DatasetSource =
  | { kind: 'file'; path: string }
  | { kind: 'huggingface'; dataset: string; split: string };

const LOCAL_EXTENSIONS = ['.jsonl', '.json', '.parquet'];
const HF_ID = /^([A-Za-z0-9][\w.-]*)\/([A-Za-z0-9][\w.-]*)(?::([\w.-]+))?$/;

/**
 * `verified`, `lite`, `owner/name[:split]` (split defaults to test) or a local .jsonl/.json/.parquet
 * path. An alias may carry a split too (`lite:dev`).
 */
export function parseDatasetSource(source: string): DatasetSource {
  if (LOCAL_EXTENSIONS.some((ext) => source.endsWith(ext))) return { kind: 'file', path: source };
  const [aliasName, aliasSplit] = source.split(':', 2);
  const aliased = aliasName === undefined ? undefined : DATASET_ALIASES[aliasName];
  if (aliased !== undefined) return { kind: 'huggingface', dataset: aliased, split: aliasSplit ?? 'test' };
  const match = HF_ID.exec(source);
  if (match) return { kind: 'huggingface', dataset: `${match[1]}/${match[2]}`, split: match[3] ?? 'test' };
  throw new InputError(
    `--dataset ${JSON.stringify(source)}: expected verified, lite, a Hugging Face id owner/name[:split], ` +
      'or a path ending in .jsonl, .json or .parquet',
  );
}
