import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { readRunSpecOf, writeRunSpec } from '../../../src/pipeline/manifest.js';
import { RUN_DEFINING_FIELDS, identityDifferences } from '../../../src/pipeline/run-identity.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { RunSpecSchema, type RunSpecFields } from '../../../src/run-dir/run-spec.js';

function fields(overrides: Partial<RunSpecFields> = {}): RunSpecFields {
  return {
    run_id: 'r',
    command: 'run',
    benchmark: {
      name: 'swe-bench',
      dataset: { source: 'verified.jsonl', sha256: 'a'.repeat(64), revision: null, rows: 500 },
      filters: {},
      instances: [{ id: 'django__django-1', repo: 'django/django' }],
      unsupported_skipped: [],
      skip_unsupported: false,
      image_template: 'swebench/sweb.eval.x86_64.{id}:latest',
    },
    model_name_or_path: 'allenai/SERA-32B',
    agent: { name: 'sera', config: { maxModelCalls: 100 } },
    model: {
      endpoints: { '32k': { url: 'http://h:8000/v1', model: 'allenai/SERA-32B', max_model_len: 65536, context_tokens: 32768 } },
      sampling: { temperature: 0, top_p: 1, max_tokens: null },
      request_timeout_s: 600,
      api_key_env: 'OPENAI_API_KEY',
    },
    limits: { max_steps: 100, rollout_timeout_s: null },
    predictions: null,
    sandbox: { name: 'docker', config: {} },
    grading: { timeout_s: 1800, max_output_bytes: 32 * 1024 ** 2, network: false, memory_bytes: 8 * 1024 ** 3, pids_limit: 8192, cpus: 2 },
    contexts: ['32k'],
    seeds: ['1'],
    execution: { concurrency: 8, eval_workers: 2 },
    run_card: { endpoints: {}, images: {} },
    ...overrides,
  };
}

describe('run identity', () => {
  it('resuming with a run-defining setting changed is exit 2 naming each field', async () => {
    const layout = new RunLayout(mkdtempSync(path.join(tmpdir(), 'identity-')));
    await writeRunSpec(layout, fields());
    const base = fields();
    const changed = fields({
      model: {
        ...base.model!,
        endpoints: { '32k': { url: 'http://h:8000/v1', model: 'allenai/SERA-8B', max_model_len: 65536, context_tokens: 32768 } },
        sampling: { temperature: 0.7, top_p: 1, max_tokens: null },
      },
      benchmark: { ...base.benchmark, dataset: { ...base.benchmark.dataset, sha256: 'b'.repeat(64) } },
    });
    const error = await writeRunSpec(layout, changed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain('model.sampling.temperature: run.json has 0, this invocation 0.7');
    expect(message).toContain('benchmark.dataset.sha256');
    expect(message).toContain('model.endpoints.32k.model: run.json has "allenai/SERA-32B", this invocation "allenai/SERA-8B"');
    // run.json is left as it was
    expect(RunSpecSchema.parse(JSON.parse(readFileSync(layout.manifest, 'utf8'))).model!.sampling.temperature).toBe(0);
  });

  it('settings that cannot change results may change, and seeds and instances may grow', async () => {
    const layout = new RunLayout(mkdtempSync(path.join(tmpdir(), 'identity-')));
    await writeRunSpec(layout, fields());
    const base = fields();
    const resumed = await writeRunSpec(
      layout,
      fields({
        seeds: ['1', '2'],
        benchmark: { ...base.benchmark, instances: [...base.benchmark.instances, { id: 'django__django-2', repo: 'django/django' }] },
        execution: { concurrency: 2, eval_workers: 1 },
      }),
    );
    expect(resumed.resumed_at).toHaveLength(1);
    expect(resumed.seeds).toEqual(['1', '2']);
  });

  it('every listed field is compared, contexts included', () => {
    const a = RunSpecSchema.parse({ format: 'sera-eval.run/2', ...fields(), created_at: 't', versions: { 'sera-eval': '0.1.0' } });
    const b = { ...a, contexts: ['32k', '64k'], versions: { 'sera-eval': '0.2.0' }, benchmark: { ...a.benchmark, image_template: 'other:{id}' } };
    expect(identityDifferences(a, b).map((d) => d.field)).toEqual(['benchmark.image_template', 'contexts', 'versions.sera-eval']);
    expect(RUN_DEFINING_FIELDS).toContain('limits.max_steps');
  });

  it('run.json is strict: an unknown field is named, and a run.json that does not parse is never overwritten', async () => {
    const layout = new RunLayout(mkdtempSync(path.join(tmpdir(), 'identity-')));
    await writeRunSpec(layout, fields());
    const raw = JSON.parse(readFileSync(layout.manifest, 'utf8')) as Record<string, unknown>;
    writeFileSync(layout.manifest, JSON.stringify({ ...raw, temprature: 0.7 }));
    await expect(readRunSpecOf(layout)).rejects.toThrow(/run\.json: .*temprature/);
    await expect(writeRunSpec(layout, fields())).rejects.toThrow(/temprature/);
  });
});
