import { InputError } from '../errors.js';

export type DatasetSource =
  | { kind: 'file'; path: string }
  | { kind: 'huggingface'; dataset: string; split: string };

const LOCAL_EXTENSIONS = ['.jsonl', '.json', '.parquet'];
const HF_ID = /^([A-Za-z0-9][\w.-]*)\/([A-Za-z0-9][\w.-]*)(?::([\w.-]+))?$/;

/**
 * `owner/name[:split]` (split defaults to test) or a local .jsonl/.json/.parquet path. Short names
 * (`verified`, `lite:dev`) are a benchmark's and are resolved before this (benchmarks/benchmarks.ts).
 */
export function parseDatasetSource(source: string): DatasetSource {
  if (LOCAL_EXTENSIONS.some((ext) => source.endsWith(ext))) return { kind: 'file', path: source };
  const match = HF_ID.exec(source);
  if (match) return { kind: 'huggingface', dataset: `${match[1]}/${match[2]}`, split: match[3] ?? 'test' };
  throw new InputError(
    `--dataset ${JSON.stringify(source)}: expected a benchmark's dataset name (e.g. verified, lite), a Hugging Face id owner/name[:split], ` +
      'or a path ending in .jsonl, .json or .parquet',
  );
}
