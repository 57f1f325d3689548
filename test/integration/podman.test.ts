/**
 * sera-eval on podman through its Docker-compatible API socket (`podman system service`, started
 * rootful and rootless by scripts/start-podman-service.sh): the Environment contract, the places
 * where podman differs from Docker, and the demo. The path for machines where Docker is not allowed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DockerEnvironment, type DockerEnvironmentOptions } from '../../src/environment/docker/docker-environment.js';
import { RUN_ID_LABEL, removeContainersByLabel } from '../../src/environment/docker/container-registry.js';
import { ensureImage } from '../../src/environment/images.js';
import { BASE_IMAGE } from '../../src/environment/local-images.js';
import { runCli } from '../support/cli-runner.js';
import { expectLeftoversSweptByRunDirectory } from '../support/run-key-leftovers.js';
import { PODMAN_HOST, PODMAN_ROOTLESS_HOST, requirePodman } from '../support/docker.js';
import { describeEnvironmentContract } from '../../src/environment/contract/environment-contract.js';
import { CONTRACT_IMAGE, buildContractImage } from '../support/fixture-images.js';

const rootful = await requirePodman(PODMAN_HOST);
const rootless = await requirePodman(PODMAN_ROOTLESS_HOST);
const runId = `podman-${randomBytes(4).toString('hex')}`;
const CGROUP2_MAGIC = 0x63677270;
const hostHasCgroupV2 = statfsSync('/sys/fs/cgroup').type === CGROUP2_MAGIC;
const MEMORY_HOG = "python3 -c 'x = bytearray(1024 * 1024 * 1024); print(len(x))'";

let count = 0;
function optionsFor(docker: Dockerode, extra: Partial<DockerEnvironmentOptions> = {}): DockerEnvironmentOptions {
  return { docker, image: CONTRACT_IMAGE, name: `sera-eval-${runId}-${++count}`, labels: { 'sera-eval.run-id': runId }, ...extra };
}

async function containerExists(docker: Dockerode, id: string): Promise<boolean> {
  return docker
    .getContainer(id)
    .inspect()
    .then(() => true)
    .catch(() => false);
}

function trackEnvironments(docker: Dockerode) {
  const open: DockerEnvironment[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((env) => env.close()));
  });
  return async (extra: Partial<DockerEnvironmentOptions> = {}) => {
    const env = await DockerEnvironment.start(optionsFor(docker, extra));
    open.push(env);
    return env;
  };
}

describe.skipIf(!rootful.available)('rootful podman', () => {
  const docker = rootful.docker;
  beforeAll(() => buildContractImage(docker));
  afterAll(() => removeContainersByLabel(docker, runId));

  describeEnvironmentContract('DockerEnvironment on rootful podman', {
    create: () => DockerEnvironment.start(optionsFor(docker, { memoryBytes: 1024 ** 3, pidsLimit: 512 })),
  });

  describe('where podman differs from Docker', () => {
    const start = trackEnvironments(docker);

    it('finds the images it imported and built by the names sera-eval gave them', async () => {
      await ensureImage(docker, BASE_IMAGE, 'never');
      await ensureImage(docker, CONTRACT_IMAGE, 'never');
    });

    it('applies no network, the memory, pids and CPU limits and the labels', async () => {
      const env = await start({ memoryBytes: 512 * 1024 * 1024, pidsLimit: 256, nanoCpus: 1_000_000_000 });
      const info = await docker.getContainer(env.id).inspect();
      expect(info.HostConfig).toMatchObject({ NetworkMode: 'none', Memory: 512 * 1024 * 1024, PidsLimit: 256, NanoCpus: 1_000_000_000 });
      expect(info.Config.Labels).toMatchObject({ 'sera-eval.run-id': runId, 'sera-eval.managed': 'true' });
      const connect = await env.exec(['python3', '-c', "import socket; socket.create_connection(('1.1.1.1', 53), timeout=5)"], { timeoutS: 20 });
      expect(connect.output).toMatch(/Network is unreachable|OSError/);
      const pids = await env.exec(['sh', '-c', 'cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null'], { cwd: '/' });
      expect(pids.output.trim()).toBe('256');
    });

    it('gives network when asked (bridge through containernetworking-plugins)', async () => {
      const env = await start({ network: true });
      expect((await env.exec(['getent', 'hosts', 'deb.debian.org'], { timeoutS: 20 })).exitCode).toBe(0);
    });

    it("tells an out-of-memory kill apart (code 'oom') in exec and in the shell", async () => {
      const env = await start({ memoryBytes: 128 * 1024 * 1024 });
      await expect(env.exec(['bash', '-c', MEMORY_HOG], { timeoutS: 60 })).rejects.toMatchObject({ code: 'oom' });
      await expect(env.run(MEMORY_HOG, { timeoutS: 60 })).rejects.toMatchObject({ code: 'oom' });
      expect((await env.exec(['bash', '-c', 'kill -9 $$'])).exitCode).toBe(137);
    });

    it('removes containers on close and leftovers by run-id label', async () => {
      const env = await DockerEnvironment.start(optionsFor(docker));
      await env.close();
      expect(await containerExists(docker, env.id)).toBe(false);
      const label = `${runId}-leftovers`;
      const envs = await Promise.all([1, 2].map(() => DockerEnvironment.start(optionsFor(docker, { labels: { 'sera-eval.run-id': label } }))));
      expect(await removeContainersByLabel(docker, label)).toBe(2);
      for (const left of envs) expect(await containerExists(docker, left.id)).toBe(false);
    });

    it('keeps the run key label through the compat API: leftovers swept by run directory, not run id', async () => {
      await expectLeftoversSweptByRunDirectory(docker, runId);
    });

    it("fails to start on a missing image with code 'image_unavailable'", async () => {
      await expect(DockerEnvironment.start(optionsFor(docker, { image: 'sera-eval-test/no-such-image:latest' }))).rejects.toMatchObject({
        code: 'image_unavailable',
        message: expect.stringContaining('sera-eval-test/no-such-image:latest'),
      });
    });
  });

  describe('sera-eval demo --docker-host', () => {
    let out: string | undefined;
    afterAll(() => {
      if (out) rmSync(out, { recursive: true, force: true });
    });

    it('builds the demo images into podman, rolls out and grades there: 2 of 4 resolved', async () => {
      out = mkdtempSync(path.join(tmpdir(), 'sera-eval-podman-demo-'));
      const demoRunId = `podman-demo-${randomBytes(4).toString('hex')}`;
      const created: string[] = [];
      const events = await docker.getEvents({ filters: { type: ['container'], event: ['create'], label: [`${RUN_ID_LABEL}=${demoRunId}`] } });
      events.on('data', (chunk: Buffer) => created.push(chunk.toString()));
      let demo: Awaited<ReturnType<typeof runCli>>;
      try {
        demo = await runCli(['demo', '--docker-host', PODMAN_HOST, '--run-id', demoRunId, '--output', out]);
      } finally {
        (events as unknown as { destroy(): void }).destroy();
      }
      expect(demo.stderr).not.toContain('unexpected error');
      expect(demo.code).toBe(0);
      const summary = JSON.parse(readFileSync(path.join(out, demoRunId, 'report.json'), 'utf8'));
      expect(summary).toMatchObject({ total_instances: 4, resolved_instances: 2, error_instances: 0 });
      expect(summary.unresolved_ids).toEqual(['sera-eval__csvkit-lite-23']);
      expect(summary.empty_patch_ids).toEqual(['sera-eval__csvkit-lite-31']);
      // four rollouts and three gradings (the empty patch needs no container), all on podman
      expect(created.length).toBeGreaterThanOrEqual(7);
    }, 600_000);
  });
});

describe.skipIf(!rootless.available)('rootless podman', () => {
  const docker = rootless.docker;
  beforeAll(() => buildContractImage(docker));
  afterAll(() => removeContainersByLabel(docker, runId));

  // Without limits: on a cgroup v1 host rootless podman cannot apply them (see below).
  describeEnvironmentContract('DockerEnvironment on rootless podman', { create: () => DockerEnvironment.start(optionsFor(docker)) });

  describe('what rootless changes', () => {
    const start = trackEnvironments(docker);

    it('runs containers in a user namespace: root inside is an unprivileged user outside', async () => {
      const env = await start();
      const [inside, outside] = (await env.exec(['cat', '/proc/self/uid_map'])).output.trim().split(/\s+/).map(Number);
      expect(inside).toBe(0);
      expect(outside).toBeGreaterThan(0);
    });

    it.runIf(!hostHasCgroupV2)('refuses a container whose limits the engine dropped (cgroup v1 host)', async () => {
      await expect(start({ memoryBytes: 512 * 1024 * 1024, pidsLimit: 256 })).rejects.toMatchObject({
        code: 'limits_not_enforced',
        message: expect.stringMatching(/memory 536870912 \(engine has 0\), pids 256 \(engine has 0\)/),
      });
      // and leaves nothing behind
      expect(await docker.listContainers({ all: true, filters: { label: [`${RUN_ID_LABEL}=${runId}`] } })).toEqual([]);
    });

    it.runIf(hostHasCgroupV2)('applies memory limits on a cgroup v2 host, and reports an OOM kill', async () => {
      const env = await start({ memoryBytes: 128 * 1024 * 1024, pidsLimit: 256 });
      await expect(env.exec(['bash', '-c', MEMORY_HOG], { timeoutS: 60 })).rejects.toMatchObject({ code: 'oom' });
    });
  });
});
