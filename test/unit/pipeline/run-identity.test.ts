import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { readManifest, writeManifest, type ManifestFields } from '../../../src/pipeline/manifest.js';
import { RUN_DEFINING_FIELDS, identityDifferences } from '../../../src/pipeline/run-identity.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { RunManifestSchema } from '../../../src/run-dir/schemas.js';

function fields(overrides: Partial<ManifestFields> = {}): ManifestFields {
  return {
    run_id: 'r',
    command: 'run',
    dataset: { source: 'verified.jsonl', sha256: 'a'.repeat(64), rows: 500 },
    filters: {},
    instance_ids: ['django__django-1'],
    model_name_or_path: 'allenai/SERA-32B',
    contexts: ['32k'],
    seeds: ['1'],
    endpoints: { '32k': { url: 'http://h:8000/v1', model: 'allenai/SERA-32B', max_model_len: 65536, context_tokens: 32768 } },
    sampling: { temperature: 0, top_p: 1, max_tokens: null },
    limits: { max_steps: 100, rollout_timeout_s: null },
    image_template: 'swebench/sweb.eval.x86_64.{id}:latest',
    grading: { timeout_s: 1800, network: false, memory_bytes: 8 * 1024 ** 3, pids_limit: 8192 },
    ...overrides,
  };
}

describe('run identity', () => {
  it('resuming with a run-defining setting changed is exit 2 naming each field', async () => {
    const layout = new RunLayout(mkdtempSync(path.join(tmpdir(), 'identity-')));
    await writeManifest(layout, fields());
    const changed = fields({
      sampling: { temperature: 0.7, top_p: 1, max_tokens: null },
      dataset: { source: 'verified.jsonl', sha256: 'b'.repeat(64), rows: 500 },
      endpoints: { '32k': { url: 'http://h:8000/v1', model: 'allenai/SERA-8B', max_model_len: 65536, context_tokens: 32768 } },
    });
    const error = await writeManifest(layout, changed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain('sampling.temperature: run.json has 0, this invocation 0.7');
    expect(message).toContain('dataset.sha256');
    expect(message).toContain('endpoints.32k.model: run.json has "allenai/SERA-32B", this invocation "allenai/SERA-8B"');
    // run.json is left as it was
    expect(RunManifestSchema.parse(JSON.parse(readFileSync(layout.manifest, 'utf8'))).sampling!.temperature).toBe(0);
  });

  it('settings that cannot change results may change, and seeds and instances may grow', async () => {
    const layout = new RunLayout(mkdtempSync(path.join(tmpdir(), 'identity-')));
    await writeManifest(layout, fields());
    const resumed = await writeManifest(layout, fields({ seeds: ['1', '2'], instance_ids: ['django__django-1', 'django__django-2'], run_id: 'r' }));
    expect(resumed.resumed_at).toHaveLength(1);
    expect(resumed.seeds).toEqual(['1', '2']);
  });

  it('every listed field is compared, contexts included', () => {
    const a = RunManifestSchema.parse({ ...fields(), created_at: 't', versions: { 'sera-eval': '0.1.0' } });
    const b = { ...a, contexts: ['32k', '64k'], versions: { 'sera-eval': '0.2.0' }, image_template: 'other:{id}' };
    expect(identityDifferences(a, b).map((d) => d.field)).toEqual(['image_template', 'contexts', 'versions.sera-eval']);
    expect(RUN_DEFINING_FIELDS).toContain('limits.max_steps');
  });

  it('run.json is strict: an unknown field is named, and a run.json that does not parse is never overwritten', async () => {
    const layout = new RunLayout(mkdtempSync(path.join(tmpdir(), 'identity-')));
    await writeManifest(layout, fields());
    const raw = JSON.parse(readFileSync(layout.manifest, 'utf8')) as Record<string, unknown>;
    writeFileSync(layout.manifest, JSON.stringify({ ...raw, temprature: 0.7 }));
    await expect(readManifest(layout)).rejects.toThrow(/run\.json: .*temprature/);
    await expect(writeManifest(layout, fields())).rejects.toThrow(/temprature/);
  });
});
