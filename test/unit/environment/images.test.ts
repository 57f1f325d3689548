import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { imageNameFor, resolveImageTemplate } from '../../../src/benchmarks/swe-bench/image-names.js';
import { verifiedJsonl } from '../../support/shared-datasets.js';


describe('imageNameFor', () => {
  it('writes the official Docker Hub name with __ as _1776_ (swebench-harness.md §2.1)', () => {
    expect(imageNameFor({ instance_id: 'django__django-11099' })).toBe('swebench/sweb.eval.x86_64.django_1776_django-11099:latest');
    expect(imageNameFor({ instance_id: 'sphinx-doc__sphinx-8721' }, 'swebench')).toBe(
      'swebench/sweb.eval.x86_64.sphinx-doc_1776_sphinx-8721:latest',
    );
  });

  it('keeps __ for the epoch preset (a registry host) and the local preset (no namespace)', () => {
    expect(imageNameFor({ instance_id: 'django__django-11099' }, 'epoch')).toBe(
      'ghcr.io/epoch-research/swe-bench.eval.x86_64.django__django-11099:latest',
    );
    expect(imageNameFor({ instance_id: 'django__django-11099' }, 'local')).toBe('sweb.eval.x86_64.django__django-11099:latest');
  });

  it('lowercases the id, as the harness does', () => {
    expect(imageNameFor({ instance_id: 'Owner__Repo-1' }, 'local')).toBe('sweb.eval.x86_64.owner__repo-1:latest');
  });

  it('fills a user template, rewriting __ only for Docker Hub namespaces', () => {
    expect(imageNameFor({ instance_id: 'sympy__sympy-20590' }, 'me/sweb.{id}:v1')).toBe('me/sweb.sympy_1776_sympy-20590:v1');
    expect(imageNameFor({ instance_id: 'sympy__sympy-20590' }, 'docker.io/me/{id}')).toBe('docker.io/me/sympy_1776_sympy-20590');
    expect(imageNameFor({ instance_id: 'sympy__sympy-20590' }, 'localhost:5000/{id}:x')).toBe('localhost:5000/sympy__sympy-20590:x');
  });

  it("uses a row's own image_name over any template", () => {
    expect(imageNameFor({ instance_id: 'django__django-11099', image_name: 'custom/image:1' }, 'epoch')).toBe('custom/image:1');
  });

  it('gives every Verified row a valid Docker Hub name', () => {
    const rows = readFileSync(verifiedJsonl(), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { instance_id: string });
    expect(rows).toHaveLength(500);
    for (const row of rows) {
      const name = imageNameFor(row);
      expect(name).toMatch(/^swebench\/sweb\.eval\.x86_64\.[a-z0-9._-]+:latest$/);
      expect(name).not.toContain('__');
    }
  });
});

describe('resolveImageTemplate', () => {
  it('rejects a template without {id}, naming the flag and the presets', () => {
    expect(() => resolveImageTemplate('swebench/sweb.eval')).toThrow(InputError);
    expect(() => resolveImageTemplate('swebench/sweb.eval')).toThrow(/--image-template.*swebench, epoch, local/);
  });
});
