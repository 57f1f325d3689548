/**
 * `--sandbox kubernetes` on the command line, without a cluster: the config is validated (exit 2
 * naming the field) before anything is contacted, and run.json's sandbox record carries the
 * provider's facts, including an unknown NetworkPolicy when the API server cannot be reached.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContainerFlagsSchema, sandboxFor, sandboxManifest } from '../../../src/cli/grading-options.js';
import { DEMO_DATASET_PATH } from '../../../src/benchmarks/demo/demo-repo.js';
import { KubernetesSandboxProvider } from '../../../src/environment/kubernetes/kubernetes-sandbox.js';
import { runCli } from '../../support/cli-runner.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sera-eval-k8s-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RAW = { imageTemplate: 'swebench', pull: 'never', timeout: '1800', memory: '8g', pids: '8192', maxOutput: '32m', output: dir };
const io = { stdout: { write: () => true }, stderr: { write: () => true } };

/** A port nothing listens on: taken from the kernel, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function kubeconfigFor(server: string): string {
  const file = path.join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: lab',
      `  cluster: { server: "${server}", insecure-skip-tls-verify: true }`,
      'users:',
      '- name: me',
      '  user: { token: not-a-real-token }',
      'contexts:',
      '- name: lab-evals',
      '  context: { cluster: lab, user: me, namespace: evals }',
      'current-context: lab-evals',
      '',
    ].join('\n'),
  );
  return file;
}

const evaluate = (...extra: string[]) =>
  runCli(['evaluate', '--dataset', DEMO_DATASET_PATH, '--predictions', 'gold', '--output', dir, '--sandbox', 'kubernetes', ...extra]);

describe('--sandbox kubernetes --sandbox-config', () => {
  it('refuses invalid settings with exit 2, naming each field and what was expected', async () => {
    const run = await evaluate('--sandbox-config', JSON.stringify({ namespace: 'Evals', limits: { memory: 'lots' }, imagePullPolicy: 'Sometimes' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--sandbox-config: invalid settings for sandbox kubernetes');
    expect(run.stderr).toMatch(/namespace: expected a lowercase DNS label/);
    expect(run.stderr).toMatch(/limits\.memory: expected a Kubernetes quantity/);
    expect(run.stderr).toMatch(/imagePullPolicy: .*IfNotPresent/);
  });

  it('refuses a field the sandbox does not have (a Docker flag spelled as config), with exit 2', async () => {
    const run = await evaluate('--sandbox-config', JSON.stringify({ memoryBytes: 1024 }));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/memoryBytes/);
  });

  it('refuses a kubeconfig that cannot be read with exit 2, naming the file', async () => {
    const missing = path.join(dir, 'no-such-kubeconfig');
    const run = await evaluate('--sandbox-config', JSON.stringify({ kubeconfig: missing }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`kubeconfig ${missing}`);
  });

  it('refuses an unknown context with exit 2, naming the contexts there are', async () => {
    const run = await evaluate('--sandbox-config', JSON.stringify({ kubeconfig: kubeconfigFor('https://127.0.0.1:1'), context: 'prod' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no context named prod; known: lab-evals');
  });

  it('plan checks the settings its workers will use: exit 2 before anything is planned', async () => {
    const run = await runCli([
      'plan', '--shards', '2', '--predictions', 'gold', '--dataset', DEMO_DATASET_PATH, '--output', dir, '--run-id', 'planned-k8s',
      '--sandbox', 'kubernetes', '--sandbox-config', JSON.stringify({ startTimeoutS: -1 }),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/startTimeoutS: /);
  });
});

describe('what run.json records of a kubernetes sandbox', () => {
  const flags = (sandboxConfig: object, extra: Record<string, unknown> = {}) =>
    ContainerFlagsSchema.parse({ ...RAW, sandbox: 'kubernetes', sandboxConfig: JSON.stringify(sandboxConfig), ...extra });

  it('the validated config with --pull carried over, the context and cluster, and an unreachable API as unknown NetworkPolicy', async () => {
    const server = `https://127.0.0.1:${await closedPort()}`;
    const sandbox = await sandboxFor(flags({ kubeconfig: kubeconfigFor(server), namespace: 'evals' }), { id: 'run-1', dir: '/tmp/run-1' }, io, 2);
    expect(sandbox.provider).toBeInstanceOf(KubernetesSandboxProvider);
    const recorded = sandboxManifest(sandbox);
    expect(recorded).toMatchObject({ name: 'kubernetes', config: { namespace: 'evals', imagePullPolicy: 'Never', network: false } });
    expect(recorded.facts).toMatchObject({ context: 'lab-evals', cluster: server });
    expect(recorded.facts!.network_policy).toMatch(/^unknown: .*ECONNREFUSED/);
  });

  it('says the policy is not needed when the run asked for network, without asking the API', async () => {
    const sandbox = await sandboxFor(flags({ kubeconfig: kubeconfigFor('https://127.0.0.1:1') }, { network: true }), { id: 'run-2', dir: '/tmp/run-2' }, io, 2);
    expect(sandboxManifest(sandbox).facts).toMatchObject({ network_policy: 'not needed (network asked)' });
  });

  it('records no facts for a sandbox that has none to give (docker)', async () => {
    const sandbox = await sandboxFor(ContainerFlagsSchema.parse(RAW), { id: 'run-3', dir: '/tmp/run-3' }, io, 2);
    expect(sandboxManifest(sandbox)).not.toHaveProperty('facts');
  });
});
