import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InfrastructureError, InputError, errorMessage } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../run-dir/atomic-write.js';

/**
 * The datasets-server lists the parquet conversion of every public dataset, one entry per shard:
 * https://huggingface.co/docs/dataset-viewer/parquet
 */
export const DATASETS_SERVER_PARQUET_URL = 'https://datasets-server.huggingface.co/parquet';

const ParquetListingSchema = z.object({
  parquet_files: z.array(z.object({ config: z.string(), split: z.string(), url: z.string(), filename: z.string() })),
});

const CacheManifestSchema = z.object({
  dataset: z.string(),
  split: z.string(),
  files: z.array(z.string()).min(1).describe('shard file names in this directory, in order'),
  urls: z.array(z.string()),
  downloaded_at: z.string(),
});
type CacheManifest = z.infer<typeof CacheManifestSchema>;

export interface CachedParquet {
  /** Shard files, in order. */
  files: string[];
  /** sha256 over the shard bytes, concatenated in order. */
  sha256: string;
}

function cacheDirFor(cacheDir: string, dataset: string, split: string): string {
  return path.join(cacheDir, 'huggingface', ...dataset.split('/'), split);
}

/** The dataset's parquet shards for one split, from the cache or downloaded into it once. */
export async function fetchParquetShards(args: {
  dataset: string;
  split: string;
  cacheDir: string;
  fetch?: typeof fetch;
}): Promise<CachedParquet> {
  const dir = cacheDirFor(args.cacheDir, args.dataset, args.split);
  const cached = await readCache(dir);
  if (cached) return cached;
  const doFetch = args.fetch ?? fetch;
  const where = `${args.dataset} (split ${args.split})`;
  const offline = (err: unknown): InfrastructureError =>
    new InfrastructureError(
      'dataset_download',
      `cannot download ${where} from Hugging Face (${errorMessage(err)}) and there is no cached copy in ${dir}; ` +
        'connect to the network once, or download the parquet elsewhere and pass its path with --dataset',
      { cause: err },
    );

  let listing: z.infer<typeof ParquetListingSchema>;
  try {
    const response = await doFetch(`${DATASETS_SERVER_PARQUET_URL}?dataset=${encodeURIComponent(args.dataset)}`);
    if (response.status === 404) throw new InputError(`no Hugging Face dataset named ${args.dataset}`);
    if (!response.ok) throw new Error(`datasets-server answered HTTP ${response.status}`);
    listing = ParquetListingSchema.parse(await response.json());
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw offline(err);
  }
  const shards = pickShards(listing.parquet_files, args.split);
  if (shards.length === 0) {
    const splits = [...new Set(listing.parquet_files.map((f) => f.split))].join(', ');
    throw new InputError(`${args.dataset} has no split ${args.split}; it has: ${splits || 'none'}`);
  }

  const files: string[] = [];
  for (const [index, shard] of shards.entries()) {
    let bytes: Buffer;
    try {
      const response = await doFetch(shard.url);
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${shard.url}`);
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (err) {
      throw offline(err);
    }
    const name = `${String(index).padStart(5, '0')}.parquet`;
    await writeFileAtomic(path.join(dir, name), bytes);
    files.push(name);
  }
  const manifest: CacheManifest = {
    dataset: args.dataset,
    split: args.split,
    files,
    urls: shards.map((s) => s.url),
    downloaded_at: new Date().toISOString(),
  };
  // Written last: its presence is what marks the cache complete.
  await writeJsonAtomic(path.join(dir, 'manifest.json'), manifest);
  return (await readCache(dir)) as CachedParquet;
}

/** The `default` config's shards when there is one (the usual case), else the first config's. */
function pickShards<T extends { config: string; split: string; filename: string }>(all: T[], split: string): T[] {
  const inSplit = all.filter((f) => f.split === split);
  const config = inSplit.some((f) => f.config === 'default') ? 'default' : inSplit[0]?.config;
  return inSplit.filter((f) => f.config === config).sort((a, b) => a.filename.localeCompare(b.filename));
}

async function readCache(dir: string): Promise<CachedParquet | undefined> {
  let manifest: CacheManifest;
  try {
    manifest = CacheManifestSchema.parse(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')));
  } catch {
    return undefined;
  }
  const files = manifest.files.map((name) => path.join(dir, name));
  const hash = createHash('sha256');
  for (const file of files) {
    try {
      await stat(file);
      hash.update(await readFile(file));
    } catch {
      return undefined;
    }
  }
  return { files, sha256: hash.digest('hex') };
}
