import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPredictions } from '../../../src/dataset/load-predictions.js';
import { SweBenchInstanceSchema } from '../../../src/dataset/schema.js';
import { row } from './fixtures.js';

const rows = [row('django__django-1'), row('sympy__sympy-2')].map((r) => SweBenchInstanceSchema.parse(r));

async function file(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sera-preds-'));
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
}

const pred = (id: string, extra: Record<string, unknown> = {}) => ({
  instance_id: id,
  model_name_or_path: 'm',
  model_patch: 'diff',
  ...extra,
});

describe('loadPredictions', () => {
  it('gold uses each row patch; empty gives empty patches', async () => {
    const gold = await loadPredictions('gold', rows);
    expect(gold[0]).toEqual({ instance_id: 'django__django-1', model_name_or_path: 'gold', model_patch: rows[0]?.patch });
    const empty = await loadPredictions('empty', rows);
    expect(empty.map((p) => [p.model_name_or_path, p.model_patch])).toEqual([
      ['empty', ''],
      ['empty', ''],
    ]);
  });

  it('reads .jsonl with context and numeric seeds', async () => {
    const p = await file('p.jsonl', [pred('django__django-1', { context: '32k', seed: 1 }), pred('django__django-1', { context: '32k', seed: 2 })].map((x) => JSON.stringify(x)).join('\n'));
    const loaded = await loadPredictions(p, rows);
    expect(loaded.map((x) => x.seed)).toEqual(['1', '2']);
  });

  it('reads a .json list and a .json dict keyed by id', async () => {
    const list = await file('p.json', JSON.stringify([pred('sympy__sympy-2', { model_patch: null })]));
    expect((await loadPredictions(list, rows))[0]?.model_patch).toBeNull();
    const dict = await file('d.json', JSON.stringify({ 'django__django-1': { model_name_or_path: 'm', model_patch: 'x' } }));
    expect(await loadPredictions(dict, rows)).toEqual([
      { instance_id: 'django__django-1', model_name_or_path: 'm', model_patch: 'x' },
    ]);
  });

  it('rejects an unknown id with its line and a suggestion', async () => {
    const p = await file('p.jsonl', `${JSON.stringify(pred('django__django-1'))}\n${JSON.stringify(pred('django__django-11'))}\n`);
    await expect(loadPredictions(p, rows)).rejects.toThrow(
      new RegExp(`${p}:2: field instance_id: django__django-11 is not in the selected dataset rows \\(did you mean: django__django-1`),
    );
  });

  it('rejects a duplicate (id, context, seed) but not a different seed', async () => {
    const p = await file('p.jsonl', [pred('django__django-1', { seed: '1' }), pred('django__django-1', { seed: '1' })].map((x) => JSON.stringify(x)).join('\n'));
    await expect(loadPredictions(p, rows)).rejects.toThrow(`${p}:2: duplicate prediction for django__django-1 (context -, seed 1; first at ${p}:1)`);
  });

  it('names the field of a schema failure', async () => {
    const p = await file('p.jsonl', JSON.stringify({ instance_id: 'django__django-1', model_patch: 5 }));
    await expect(loadPredictions(p, rows)).rejects.toThrow(new RegExp(`${p}:1: field model_patch`));
    const d = await file('d.json', JSON.stringify({ 'django__django-1': { instance_id: 'other', model_patch: '' } }));
    await expect(loadPredictions(d, rows)).rejects.toThrow(/key "django__django-1": field instance_id is "other"/);
  });
});
