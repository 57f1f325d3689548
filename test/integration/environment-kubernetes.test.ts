/**
 * The kubernetes sandbox through the real @kubernetes/client-node against the fake API server
 * (test/support/fake-kubernetes/), whose pods are local Docker containers: the Environment
 * contract over the exec websocket, start failures with the kubelet's reasons, cleanup by label.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfrastructureError } from '../../src/errors.js';
import { KubernetesSandboxConfigSchema, type KubernetesSandboxConfig } from '../../src/environment/kubernetes/kubernetes-config.js';
import { KubernetesSandboxProvider } from '../../src/environment/kubernetes/kubernetes-sandbox.js';
import type { KubernetesEnvironment } from '../../src/environment/kubernetes/kubernetes-environment.js';
import { EnvironmentUnavailableError } from '../../src/environment/environment.js';
import { NO_DIMENSION } from '../../src/run-dir/layout.js';
import { describeSandboxContract } from '../../src/environment/contract/environment-contract.js';
import { sandboxes } from '../../src/environment/sandboxes.js';
import { runCli } from '../support/cli-runner.js';
import { requireDocker } from '../support/docker.js';
import { FakeKubernetesApi } from '../support/fake-kubernetes/fake-kubernetes-api.js';
import { CONTRACT_IMAGE, buildContractImage } from '../support/fixture-images.js';

const { available, docker } = await requireDocker();

describe.skipIf(!available)('kubernetes sandbox (client-node against the fake API server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sera-eval-k8s-'));
  const runId = `k8s-contract-${randomBytes(4).toString('hex')}`;
  let api: FakeKubernetesApi;
  let kubeconfig: string;
  let started = 0;

  const provider = (overrides: Partial<KubernetesSandboxConfig> = {}, id = runId) =>
    new KubernetesSandboxProvider({ runId: id, config: KubernetesSandboxConfigSchema.parse({ kubeconfig, imagePullPolicy: 'Never', startTimeoutS: 60, ...overrides }) });
  const request = (image = CONTRACT_IMAGE) => ({
    image,
    cell: { instanceId: `contract__repo-${++started}`, context: NO_DIMENSION, seed: NO_DIMENSION },
    purpose: 'rollout' as const,
    attempt: 1,
  });

  beforeAll(async () => {
    await buildContractImage(docker);
    api = await FakeKubernetesApi.start({ docker });
    kubeconfig = api.writeKubeconfig(dir);
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Through the registry, as `--sandbox kubernetes --sandbox-config {...}` makes it.
  const factory = sandboxes.get('kubernetes');
  describeSandboxContract('kubernetes', {
    provider: () => factory.create({ id: runId, dir: `/tmp/${runId}` }, factory.configSchema.parse({ kubeconfig, imagePullPolicy: 'Never', startTimeoutS: 60 })),
    image: CONTRACT_IMAGE,
  });

  it('spoke v5.channel.k8s.io for every exec, and deleted every pod it closed', () => {
    expect(api.execProtocols.length).toBeGreaterThan(20);
    expect(new Set(api.execProtocols)).toEqual(new Set(['v5.channel.k8s.io']));
    expect(api.podNames()).toEqual([]);
  });

  it('reports a missing image with the kubelet reason as infrastructure, and deletes the pod', async () => {
    const startedAt = Date.now();
    const failure = await provider({ imagePullPolicy: 'IfNotPresent', startTimeoutS: 3 })
      .start(request('sera-eval-test/never-built:latest'))
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(InfrastructureError);
    expect((failure as InfrastructureError).code).toBe('image_unavailable');
    expect((failure as Error).message).toMatch(/did not start within 3 s: ImagePullBackOff: Back-off pulling image "sera-eval-test\/never-built:latest"/);
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    const never = await provider().start(request('sera-eval-test/never-built:latest')).catch((err: unknown) => err);
    expect(never).toMatchObject({ code: 'image_unavailable', message: expect.stringContaining('ErrImageNeverPull') });
    expect(api.podNames()).toEqual([]);
  });

  it('reports a command the kernel killed at the pod memory limit as oom, naming the limit', async () => {
    const env = await provider({ limits: { memory: '64Mi' } }).start(request());
    try {
      const failure = await env.run('head -c 300M /dev/zero | tail -n 1 > /dev/null').catch((err: unknown) => err);
      expect(failure).toMatchObject({ code: 'oom', message: expect.stringContaining('out of memory at 64 MiB') });
    } finally {
      await env.close();
    }
  });

  it('reports a pod evicted under a running shell as unavailable with the kubelet message', async () => {
    const env = (await provider().start(request())) as KubernetesEnvironment;
    try {
      expect((await env.run('echo before')).output).toBe('before\n');
      await api.evict(env.name, 'The node was low on resource: ephemeral-storage. ');
      const failure = await env.run('echo after').catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(EnvironmentUnavailableError);
      expect((failure as Error).message).toMatch(/is not running: Evicted: The node was low on resource: ephemeral-storage/);
    } finally {
      await env.close();
    }
    expect(api.podNames()).not.toContain(env.name);
  });

  it('removeLeftovers deletes the pods labelled with its run id and no others', async () => {
    const mine = provider({}, `${runId}-leftovers`);
    const other = provider({}, `${runId}-other`);
    await mine.start(request());
    await mine.start(request());
    const kept = await other.start(request());
    expect(await mine.removeLeftovers()).toBe(2);
    expect(api.podNames()).toHaveLength(1);
    expect(await mine.removeLeftovers()).toBe(0);
    expect((await kept.run('echo still here')).output).toBe('still here\n');
    await kept.close();
    expect(api.podNames()).toEqual([]);
  });

  it('names the cluster version as the engine for the run card', async () => {
    expect(await provider().engineIdentity()).toEqual({ name: 'Kubernetes', version: 'v0.0.0-sera-eval-test', apiVersion: null });
  });

  it('records whether the deny-all NetworkPolicy is present', async () => {
    const subject = provider();
    expect(await subject.networkPolicy()).toBe('absent');
    const { createNetworkPolicy } = await import('../../src/environment/kubernetes/network-policy.js');
    const { NetworkingV1Api } = await import('@kubernetes/client-node');
    const networking = subject.kubeConfig.makeApiClient(NetworkingV1Api);
    expect(await createNetworkPolicy(networking, 'default')).toBe('created');
    expect(await createNetworkPolicy(networking, 'default')).toBe('exists');
    expect(await subject.networkPolicy()).toBe('present');
  });
});

describe.skipIf(!available)('kubernetes sandbox over v4.channel.k8s.io (no CLOSE frame for stdin)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sera-eval-k8s-v4-'));
  let api: FakeKubernetesApi;

  beforeAll(async () => {
    await buildContractImage(docker);
    api = await FakeKubernetesApi.start({ docker, subprotocols: ['v4.channel.k8s.io'] });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes and reads files, runs the shell with a long command, and reads exit codes', async () => {
    const config = KubernetesSandboxConfigSchema.parse({ kubeconfig: api.writeKubeconfig(dir), imagePullPolicy: 'Never' });
    const env = await new KubernetesSandboxProvider({ runId: 'k8s-v4', config }).start({
      image: CONTRACT_IMAGE,
      cell: { instanceId: 'v4__repo-1', context: NO_DIMENSION, seed: NO_DIMENSION },
      purpose: 'grading',
      attempt: 1,
    });
    try {
      const binary = Buffer.from(Array.from({ length: 30_000 }, (_, i) => i % 256));
      await env.writeFile('/testbed/nested/blob.bin', binary);
      expect(Buffer.compare(await env.readFile('/testbed/nested/blob.bin'), binary)).toBe(0);
      expect((await env.run(`echo ${'z'.repeat(9000)} | wc -c`)).output).toBe('9001\n');
      // Merged in the pod, in the order written (channels 1 and 2 would promise no order between them).
      const result = await env.exec(['bash', '-c', 'for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done; exit 7']);
      expect(result).toMatchObject({ output: 'out1\nerr1\nout2\nerr2\nout3\nerr3\nout4\nerr4\nout5\nerr5\n', exitCode: 7 });
    } finally {
      await env.close();
    }
    expect(new Set(api.execProtocols)).toEqual(new Set(['v4.channel.k8s.io']));
  });
});

describe.skipIf(!available)('sera-eval k8s setup against the fake API server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sera-eval-k8s-setup-'));
  let api: FakeKubernetesApi;
  beforeAll(async () => {
    api = await FakeKubernetesApi.start({ docker });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the deny-all NetworkPolicy from harness/kubernetes once, then finds it present', async () => {
    const kubeconfig = api.writeKubeconfig(dir);
    const first = await runCli(['k8s', 'setup', '--namespace', 'evals', '--kubeconfig', kubeconfig]);
    expect(first).toMatchObject({ code: 0, stdout: 'networkpolicy/sera-eval-deny-all created in namespace evals\n' });
    const again = await runCli(['k8s', 'setup', '--namespace', 'evals', '--kubeconfig', kubeconfig]);
    expect(again).toMatchObject({ code: 0, stdout: 'networkpolicy/sera-eval-deny-all already present in namespace evals\n' });
    expect(api.requests.filter((r) => r === 'POST /apis/networking.k8s.io/v1/namespaces/evals/networkpolicies')).toHaveLength(2);
  });

  it('refuses a bad namespace or a missing kubeconfig with exit 2', async () => {
    expect(await runCli(['k8s', 'setup', '--namespace', 'Evals', '--kubeconfig', api.writeKubeconfig(dir)])).toMatchObject({ code: 2, stderr: expect.stringContaining('--namespace: expected a lowercase DNS label') });
    expect(await runCli(['k8s', 'setup', '--kubeconfig', join(dir, 'nope')])).toMatchObject({ code: 2, stderr: expect.stringContaining(`kubeconfig ${join(dir, 'nope')}`) });
  });
});
