import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDatasetSource } from './dataset-source.js';
import { fetchParquetShards } from './hugging-face-download.js';
import { parseParquet, readRecordsFromFile, type RawRecord } from './read-records.js';
import type { z } from 'zod';
import type { SweBenchInstance } from './schema.js';
import { validateRows } from './validate-rows.js';

export interface LoadDatasetOptions {
  /** Where Hugging Face datasets are downloaded once and reused. */
  cacheDir: string;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Each row's schema (a benchmark's). @default SweBenchInstanceSchema */
  rowSchema?: z.ZodType<SweBenchInstance>;
}

export interface LoadedDataset {
  rows: SweBenchInstance[];
  /** The absolute file path, or `hf:owner/name:split`. */
  source: string;
  /** sha256 of the bytes read (shards concatenated in order), recorded in run.json. */
  sha256: string;
}

/**
 * Rows from a local .jsonl/.json/.parquet file or a Hugging Face dataset (`owner/name[:split]`),
 * each validated by the row schema (SweBenchInstanceSchema unless a benchmark brings its own).
 * @throws InputError naming the file, line or row and field of the first bad row, or a duplicate id.
 * @throws InfrastructureError when a dataset must be downloaded and cannot be.
 */
export async function loadDataset(source: string, opts: LoadDatasetOptions): Promise<LoadedDataset> {
  const parsed = parseDatasetSource(source);
  if (parsed.kind === 'file') {
    const { records, bytes } = await readRecordsFromFile(parsed.path);
    return { rows: validateRows(records, opts.rowSchema), source: path.resolve(parsed.path), sha256: sha256(bytes) };
  }
  const shards = await fetchParquetShards({ ...parsed, cacheDir: opts.cacheDir, fetch: opts.fetch });
  const records: RawRecord[] = [];
  for (const file of shards.files) records.push(...(await parseParquet(await readFile(file), file)));
  return {
    rows: validateRows(records, opts.rowSchema),
    source: `hf:${parsed.dataset}:${parsed.split}`,
    sha256: shards.sha256,
  };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
