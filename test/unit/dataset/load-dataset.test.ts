import { resolveDatasetAlias } from '../../../src/benchmarks/benchmarks.js';
import { sweBench } from '../../../src/benchmarks/swe-bench/swe-bench.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import { parseDatasetSource } from '../../../src/dataset/dataset-source.js';
import { DATASETS_SERVER_PARQUET_URL } from '../../../src/dataset/hugging-face-download.js';
import { InfrastructureError, InputError } from '../../../src/errors.js';
import { parquetOf, row } from './fixtures.js';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'sera-dataset-'));
}

describe('loadDataset from local files', () => {
  it('reads .jsonl, skipping blank lines, and decodes the test lists', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'd.jsonl');
    await writeFile(file, `${JSON.stringify(row('django__django-1'))}\n\n${JSON.stringify(row('sympy__sympy-2'))}\n`);
    const loaded = await loadDataset(file, { cacheDir: dir });
    expect(loaded.rows.map((r) => r.instance_id)).toEqual(['django__django-1', 'sympy__sympy-2']);
    expect(loaded.rows[0]?.FAIL_TO_PASS).toEqual(['test_a (m.T)']);
    expect(loaded.source).toBe(file);
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the file, the line and the field of a bad row', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'd.jsonl');
    const bad = row('django__django-2', { FAIL_TO_PASS: 'not json' });
    await writeFile(file, `${JSON.stringify(row('django__django-1'))}\n\n${JSON.stringify(bad)}\n`);
    const error = await loadDataset(file, { cacheDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(`${file}:3`);
    expect((error as Error).message).toContain('field FAIL_TO_PASS');
  });

  it('names the line of invalid JSON', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'd.jsonl');
    await writeFile(file, `${JSON.stringify(row('django__django-1'))}\n{oops\n`);
    await expect(loadDataset(file, { cacheDir: dir })).rejects.toThrow(`${file}:2: not valid JSON`);
  });

  it('rejects duplicate instance ids, pointing at both', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'd.json');
    await writeFile(file, JSON.stringify([row('django__django-1'), row('django__django-1')]));
    await expect(loadDataset(file, { cacheDir: dir })).rejects.toThrow(
      `${file}[1]: duplicate instance_id django__django-1 (first at ${file}[0])`,
    );
  });

  it('reads .parquet', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'd.parquet');
    await writeFile(file, parquetOf([row('django__django-1'), row('psf__requests-3')]));
    const loaded = await loadDataset(file, { cacheDir: dir });
    expect(loaded.rows.map((r) => r.repo)).toEqual(['django/django', 'psf/requests']);
    expect(loaded.rows[1]?.version).toBe('3.0');
  });

  it("rejects an unknown name or extension as bad input, and reads a benchmark's names as its datasets", () => {
    expect(() => parseDatasetSource('data.csv')).toThrow(InputError);
    expect(parseDatasetSource(resolveDatasetAlias(sweBench, 'verified'))).toEqual({
      kind: 'huggingface',
      dataset: 'princeton-nlp/SWE-bench_Verified',
      split: 'test',
    });
    expect(parseDatasetSource(resolveDatasetAlias(sweBench, 'lite:dev'))).toEqual({ kind: 'huggingface', dataset: 'princeton-nlp/SWE-bench_Lite', split: 'dev' });
    expect(parseDatasetSource('me/bench:train')).toEqual({ kind: 'huggingface', dataset: 'me/bench', split: 'train' });
  });
});

const alias = (name: string): string => resolveDatasetAlias(sweBench, name);

describe('loadDataset from Hugging Face', () => {
  const shardUrl = 'https://huggingface.co/api/datasets/princeton-nlp/SWE-bench_Verified/parquet/default/test/0.parquet';

  function fakeHub(requests: string[]): typeof fetch {
    const listing = {
      parquet_files: [
        { dataset: 'x', config: 'default', split: 'test', url: shardUrl, filename: '0000.parquet', size: 1 },
        { dataset: 'x', config: 'default', split: 'dev', url: 'https://x/dev.parquet', filename: '0000.parquet', size: 1 },
      ],
    };
    const shard = parquetOf([row('django__django-1'), row('sympy__sympy-2')]);
    return (async (input: string | URL | Request) => {
      const url = String(input);
      requests.push(url);
      if (url === `${DATASETS_SERVER_PARQUET_URL}?dataset=princeton-nlp%2FSWE-bench_Verified`) {
        return new Response(JSON.stringify(listing), { status: 200 });
      }
      if (url === shardUrl) return new Response(new Uint8Array(shard), { status: 200 });
      return new Response('not found', { status: 404 });
    }) as typeof fetch;
  }

  it('downloads the split once into the cache, then reads the cache without the network', async () => {
    const cacheDir = await tempDir();
    const requests: string[] = [];
    const first = await loadDataset(alias('verified'), { cacheDir, fetch: fakeHub(requests) });
    expect(first.rows.map((r) => r.instance_id)).toEqual(['django__django-1', 'sympy__sympy-2']);
    expect(first.source).toBe('hf:princeton-nlp/SWE-bench_Verified:test');
    expect(requests).toHaveLength(2);

    const offline = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const second = await loadDataset(alias('verified'), { cacheDir, fetch: offline });
    expect(second.rows).toEqual(first.rows);
    expect(second.sha256).toBe(first.sha256);
  });

  it('explains what to do when offline with no cache', async () => {
    const cacheDir = await tempDir();
    const offline = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const error = await loadDataset(alias('lite'), { cacheDir, fetch: offline }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as Error).message).toMatch(/cannot download princeton-nlp\/SWE-bench_Lite .*fetch failed.*no cached copy/);
    expect((error as Error).message).toContain('--dataset');
  });

  it('names the splits that exist when the asked one does not', async () => {
    const cacheDir = await tempDir();
    await expect(loadDataset(alias('verified:train'), { cacheDir, fetch: fakeHub([]) })).rejects.toThrow(
      'princeton-nlp/SWE-bench_Verified has no split train; it has: test, dev',
    );
  });
});
