import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filterInstances } from '../../../src/dataset/filter-instances.js';
import { parseIdList } from '../../../src/dataset/parse-id-list.js';
import { SweBenchInstanceSchema, type SweBenchInstance } from '../../../src/dataset/schema.js';
import { InputError } from '../../../src/errors.js';
import { row } from './fixtures.js';

const rows: SweBenchInstance[] = [
  row('django__django-1'),
  row('django__django-2', { difficulty: '1-4 hours' }),
  row('sympy__sympy-3'),
  row('psf__requests-4'),
  row('scikit-learn__scikit-learn-5', { repo: 'scikit-learn/scikit-learn' }),
].map((r) => SweBenchInstanceSchema.parse(r));
const ids = (list: SweBenchInstance[]) => list.map((r) => r.instance_id);

describe('filterInstances', () => {
  it('keeps listed ids in dataset order', () => {
    expect(ids(filterInstances(rows, { instances: ['sympy__sympy-3', 'django__django-1'] }))).toEqual([
      'django__django-1',
      'sympy__sympy-3',
    ]);
  });

  it('rejects an unknown id and suggests close ones', () => {
    expect(() => filterInstances(rows, { instances: ['django__django-9'] })).toThrow(
      /not in the dataset: django__django-9 \(did you mean: django__django-1, django__django-2/,
    );
  });

  it('accepts short repo names, sklearn and owner/name', () => {
    expect(ids(filterInstances(rows, { repos: ['django', 'requests'] }))).toEqual([
      'django__django-1',
      'django__django-2',
      'psf__requests-4',
    ]);
    expect(ids(filterInstances(rows, { repos: ['sklearn'] }))).toEqual(['scikit-learn__scikit-learn-5']);
    expect(ids(filterInstances(rows, { repos: ['sympy/sympy'] }))).toEqual(['sympy__sympy-3']);
  });

  it('rejects an unknown repo with a suggestion', () => {
    const error = (() => {
      try {
        filterInstances(rows, { repos: ['djang'] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/no instances of djang .*did you mean: .*django/);
  });

  it('filters by difficulty and rejects unknown levels', () => {
    expect(ids(filterInstances(rows, { difficulty: ['1-4 hours'] }))).toEqual(['django__django-2']);
    expect(() => filterInstances(rows, { difficulty: ['hard'] })).toThrow(/unknown value "hard"/);
  });

  it('shards round-robin so the shards partition the rows, then limits', () => {
    const shards = [0, 1].map((index) => ids(filterInstances(rows, { shard: { index, count: 2 } })));
    expect(shards[0]).toEqual(['django__django-1', 'sympy__sympy-3', 'scikit-learn__scikit-learn-5']);
    expect([...(shards[0] ?? []), ...(shards[1] ?? [])].sort()).toEqual(ids(rows).sort());
    expect(ids(filterInstances(rows, { shard: { index: 1, count: 2 }, limit: 1 }))).toEqual(['django__django-2']);
    expect(() => filterInstances(rows, { shard: { index: 2, count: 2 } })).toThrow(InputError);
  });
});

describe('parseIdList', () => {
  it('splits a comma list, trimming and dropping empties', () => {
    expect(parseIdList('a, b,,c')).toEqual(['a', 'b', 'c']);
  });

  it('reads @FILE with comments and blank lines', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sera-ids-'));
    const file = path.join(dir, 'ids.txt');
    await writeFile(file, '# hard ones\ndjango__django-1\n\nsympy__sympy-3  # flaky\n');
    expect(parseIdList(`@${file}`)).toEqual(['django__django-1', 'sympy__sympy-3']);
  });

  it('rejects a missing file and an empty list', () => {
    expect(() => parseIdList('@/nonexistent/ids.txt')).toThrow(/cannot read the id file/);
    expect(() => parseIdList(' , ')).toThrow(InputError);
  });
});
