/**
 * `--sandbox kubernetes` from the command line, against the fake API server (TLS, bearer token,
 * exec over the websocket; pods backed by local Docker containers): the demo in-process with the
 * same verdicts as on Docker, and a `run` process that gets SIGINT deleting its pods by label.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DATASET_PATH } from '../../src/benchmarks/demo/demo-repo.js';
import { DEMO_BEHAVIOURS, demoReplayScript } from '../../src/benchmarks/demo/demo-replay.js';
import { PREFLIGHT_PROMPT, startReplayServer, type ChatRequestBody } from '../../src/model/replay-server.js';
import { runCli } from '../support/cli-runner.js';
import { demoRows, ensureDemoImages } from '../support/demo-fixtures.js';
import { requireDocker } from '../support/docker.js';
import { FakeKubernetesApi } from '../support/fake-kubernetes/fake-kubernetes-api.js';
import { FAKE_POD_LABEL } from '../support/fake-kubernetes/docker-pods.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const { available, docker } = await requireDocker();

describe.skipIf(!available)('sera-eval with --sandbox kubernetes (the real CLI and client against the fake API server)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sera-eval-k8s-cli-'));
  let api: FakeKubernetesApi;
  let kubeconfig: string;

  const containersLeft = async () => docker.listContainers({ all: true, filters: { label: [`${FAKE_POD_LABEL}=${api.id}`] } });

  beforeAll(async () => {
    await ensureDemoImages(docker);
    api = await FakeKubernetesApi.start({ docker });
    kubeconfig = api.writeKubeconfig(dir);
  }, 600_000);
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('demo: k8s setup, then rollouts and gradings in pods with the verdicts of the Docker demo; run.json records the policy; no pod or container left', async () => {
    expect((await runCli(['k8s', 'setup', '--namespace', 'evals', '--kubeconfig', kubeconfig])).code).toBe(0);
    const demo = await runCli([
      'demo', '--sandbox', 'kubernetes', '--sandbox-config', JSON.stringify({ kubeconfig, namespace: 'evals', limits: { memory: '2Gi' } }),
      '--output', dir, '--run-id', 'k8s-demo',
    ]);
    expect(demo.stderr).not.toContain('unexpected error');
    expect(demo.code).toBe(0);
    const runDir = path.join(dir, 'k8s-demo');
    const summary = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    // What the Docker demo gives (demo.test.ts): each recorded behaviour's verdict.
    const idsWith = (behaviour: string) => Object.entries(DEMO_BEHAVIOURS).filter(([, b]) => b === behaviour).map(([id]) => id).sort();
    expect(summary).toMatchObject({ total_instances: 4, resolved_instances: 2, error_instances: 0 });
    expect([...summary.resolved_ids].sort()).toEqual(idsWith('fix'));
    expect(summary.unresolved_ids).toEqual(idsWith('wrong'));
    expect(summary.empty_patch_ids).toEqual(idsWith('overflow'));

    const manifest = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8'));
    expect(manifest.sandbox).toEqual({
      name: 'kubernetes',
      config: expect.objectContaining({ kubeconfig, namespace: 'evals', imagePullPolicy: 'Never', network: false, limits: { memory: '2Gi' } }),
      facts: { context: 'fake', cluster: api.url, network_policy: 'present' },
    });
    const images = JSON.parse(readFileSync(path.join(runDir, 'images.json'), 'utf8'));
    expect(JSON.stringify(images)).toContain('Kubernetes');

    // A pod per rollout (4) and per grading of a non-empty patch (3): an empty patch is not run, as in SWE-bench.
    const created = api.requests.filter((r) => r === 'POST /api/v1/namespaces/evals/pods');
    expect(created).toHaveLength(7);
    expect(api.requests.filter((r) => r.endsWith('/exec')).length).toBeGreaterThan(created.length);
    expect(api.podNames()).toEqual([]);
    expect(await containersLeft()).toEqual([]);
  }, 600_000);

  it('run: SIGINT mid-rollout deletes the run\'s pods by label and exits 130, leaving no pod or container', async () => {
    const runId = `k8s-sigint-${process.pid}`;
    let modelAsked!: () => void;
    const asked = new Promise<void>((resolve) => (modelAsked = resolve));
    const isPreflight = (body: ChatRequestBody) => body.messages?.find((m) => m.role === 'user')?.content === PREFLIGHT_PROMPT;
    // The rollout's first model request never gets an answer: its pod is running, with the agent's shell open.
    const replay = await startReplayServer(await demoReplayScript(demoRows()), {
      intercept: (body) => (isPreflight(body) ? undefined : (modelAsked(), 'hang')),
    });
    try {
      const child = spawn(
        process.execPath,
        [
          '--import', 'tsx', 'src/cli/main.ts', 'run', '--base-url', replay.url, '--api-key-env', 'SERA_EVAL_DEMO_NO_KEY', '--dataset', DEMO_DATASET_PATH,
          '--instances', Object.keys(DEMO_BEHAVIOURS)[0]!, '--image-template', 'local', '--pull', 'never', '--concurrency', '1', '--eval-workers', '1',
          '--sandbox', 'kubernetes', '--sandbox-config', JSON.stringify({ kubeconfig }), '--output', dir, '--run-id', runId,
        ],
        { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const first = await Promise.race([asked.then(() => 'asked' as const), exited.then(() => 'exited' as const)]);
      expect(first, `the run ended before its rollout asked the model:\n${stderr}`).toBe('asked');
      expect(api.podNames()).toHaveLength(1);

      child.kill('SIGINT');
      expect(await exited, stderr).toBe(130);
      expect(stderr).toContain('SIGINT: stopping');
      expect(api.requests).toContain(`DELETE /api/v1/namespaces/default/pods labelSelector=sera-eval.run-id=${runId}`);
      expect(api.podNames()).toEqual([]);
      expect(await containersLeft()).toEqual([]);
    } finally {
      await replay.close();
    }
  }, 300_000);
});
