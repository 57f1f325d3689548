import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectRunCard } from '../../../src/pipeline/run-card.js';
import { runCardLines } from '../../../src/report/run-card-view.js';
import { specFromV1 } from '../../../src/run-dir/run-spec-v1.js';
import type { RunCard } from '../../../src/run-dir/run-spec.js';
import { runCli } from '../../support/cli-runner.js';
import { writeRunDir } from '../../support/run-dir-fixture.js';

/** What vLLM's OpenAI server answers on /v1/models and /version (vllm/entrypoints/openai/api_server.py). */
function vllmFetch(urls: string[]): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input);
    urls.push(url);
    if (url === 'http://gpu:8000/v1/models') {
      return Response.json({
        object: 'list',
        data: [{ id: 'allenai/SERA-32B', object: 'model', created: 1, owned_by: 'vllm', root: '/ckpt/sera-32b-step900', parent: null, max_model_len: 65536, permission: [] }],
      });
    }
    if (url === 'http://gpu:8000/version') return Response.json({ version: '0.9.2' });
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'run-card-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function card(): Promise<RunCard> {
  const urls: string[] = [];
  const result = await collectRunCard({
    endpoints: [
      { context: '32k', url: 'http://gpu:8000/v1', model: 'allenai/SERA-32B' },
      { context: '64k', url: 'http://down:8001/v1', model: 'allenai/SERA-32B' },
    ],
    images: { 'django__django-1': 'swebench/sweb.eval.x86_64.django_1776_django-1:latest' },
    fetch: vllmFetch(urls),
  });
  expect(urls).toContain('http://gpu:8000/version');
  return result;
}

describe('run card', () => {
  it('asks each endpoint for its served model, checkpoint root, window and server version; a silent server leaves null', async () => {
    const c = await card();
    expect(c.endpoints['32k']).toEqual({ model: 'allenai/SERA-32B', root: '/ckpt/sera-32b-step900', max_model_len: 65536, server_version: '0.9.2' });
    expect(c.endpoints['64k']).toEqual({ model: 'allenai/SERA-32B', root: null, max_model_len: null, server_version: null });
    expect(c.images['django__django-1']).toContain('django');
  });

  it('is shown at the top of every report format, with the longer-window note', async () => {
    const runDir = await writeRunDir(path.join(dir, 'run'), {
      instanceIds: ['django__django-1'],
      contexts: ['32k'],
      cells: [{ instanceId: 'django__django-1', context: '32k', outcome: 'resolved' }],
      manifestExtra: {
        versions: { 'sera-eval': '0.1.0', git_revision: '0123456789abcdef', node: 'v20.20.2' },
        endpoints: { '32k': { url: 'http://gpu:8000/v1', model: 'allenai/SERA-32B', max_model_len: 65536, context_tokens: 32768 } },
        sampling: { temperature: 0, top_p: 1, max_tokens: null },
        limits: { max_steps: 100, rollout_timeout_s: null },
        grading: { timeout_s: 1800, network: false, memory_bytes: 8 * 1024 ** 3, pids_limit: 8192 },
        image_template: 'swebench',
        run_card: { ...(await card()), dataset_revision: null },
      },
    });
    const digest = `sha256:${'d'.repeat(64)}`;
    const id = `sha256:${'1'.repeat(64)}`;
    await writeFile(
      path.join(runDir, 'images.json'),
      JSON.stringify({
        engines: [{ name: 'Docker', version: '20.10.24+dfsg1', api_version: '1.41', recorded_at: '2026-11-26T00:00:00Z' }],
        images: { 'swebench/sweb.eval.x86_64.django_1776_django-1:latest': [{ id, repo_digest: `swebench/sweb.eval.x86_64.django_1776_django-1@${digest}`, first_used_at: '2026-11-26T00:00:01Z' }] },
      }),
    );
    const imageLine = `image django__django-1: swebench/sweb.eval.x86_64.django_1776_django-1:latest, digest ${digest}, id ${id}`;
    const markdown = (await runCli(['report', runDir, '--format', 'markdown'])).stdout;
    const top = markdown.slice(0, markdown.indexOf('| Repository'));
    expect(top).toContain('## Run card');
    expect(top).toContain('sera-eval 0.1.0 (commit 0123456789ab), node v20.20.2');
    expect(top).toContain('sha256 ' + 'b'.repeat(64));
    expect(top).toContain('endpoint 32k: model allenai/SERA-32B, checkpoint /ckpt/sera-32b-step900, max_model_len 65536, server version 0.9.2, harness budget 32768 tokens');
    expect(top).toContain('note: the 32k numbers come from a server with a 65536-token window held to 32768 tokens by the harness');
    expect(top).toContain('rope-scaled');
    expect(top).toContain('grading: timeout 1800 s, memory 8.0 GiB, pids 8192, network off');
    expect(top).toContain('container engine: Docker 20.10.24+dfsg1 (API 1.41)');
    expect(top).toContain(imageLine);
    expect(top).not.toContain('not recorded');
    const text = (await runCli(['report', runDir])).stdout;
    expect(text).toContain(imageLine);
    const html = (await runCli(['report', runDir, '--format', 'html'])).stdout;
    expect(html).toContain(imageLine);
    expect(html.indexOf('id="run-card"')).toBeLessThan(html.indexOf('class="rates"'));
    expect(html).toContain('server version 0.9.2');
    const json = JSON.parse((await runCli(['report', runDir, '--format', 'json'])).stdout) as { run_card: string[] };
    expect(json.run_card.join('\n')).toContain('checkpoint /ckpt/sera-32b-step900');
    expect(json.run_card).toContain(imageLine);
  });

  it('a run from before the card shows what run.json has', () => {
    const lines = runCardLines(specFromV1({
      run_id: 'old', command: 'evaluate', created_at: 't', versions: { 'sera-eval': '0.1.0' },
      dataset: { source: 'verified.jsonl', sha256: 'c'.repeat(64), rows: 500 }, filters: {}, instance_ids: [], model_name_or_path: 'm', contexts: [], seeds: [],
    }));
    expect(lines[0]).toBe('sera-eval 0.1.0 (commit not recorded), node not recorded');
    expect(lines.join('\n')).not.toContain('endpoint');
    expect(lines).toContain('container engine: not recorded');
  });

  it('an image not yet prepared says so; one re-pulled between invocations shows both', () => {
    const manifest = specFromV1({
      run_id: 'r', command: 'evaluate', created_at: 't', versions: {}, dataset: { source: 'd', sha256: 'c', rows: 2 }, filters: {},
      instance_ids: ['a__a-1', 'b__b-1'], model_name_or_path: 'm', contexts: [], seeds: [],
      run_card: { endpoints: {}, images: { 'a__a-1': 'img-a', 'b__b-1': 'img-b' }, dataset_revision: null },
    });
    const lines = runCardLines(manifest, {
      engines: [
        { name: 'Docker', version: '24.0.7', api_version: '1.43', recorded_at: 't' },
        { name: 'podman', version: '4.3.1', api_version: null, recorded_at: 't' },
      ],
      images: { 'img-a': [{ id: 'sha256:1', repo_digest: null, first_used_at: 't' }, { id: 'sha256:2', repo_digest: 'img-a@sha256:9', first_used_at: 't' }] },
    });
    expect(lines).toContain('container engine: Docker 24.0.7 (API 1.43), then on resume podman 4.3.1');
    expect(lines).toContain('image a__a-1: img-a, changed during the run: no registry digest (built locally), id sha256:1; then digest sha256:9, id sha256:2');
    expect(lines).toContain('image b__b-1: img-b, not used yet (digest not recorded)');
  });
});
