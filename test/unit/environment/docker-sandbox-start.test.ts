/**
 * What the Docker sandbox sends the daemon when a cell starts and ends, against a fake daemon that
 * records every call: labels and names by run directory, leftovers selected by the run key, and no
 * per-cell round trip that once per run can do (the limits inspect, the image identity).
 */
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { RUN_KEY_LABEL } from '../../../src/environment/docker/container-registry.js';
import { DockerSandboxProvider } from '../../../src/environment/docker/docker-sandbox.js';
import { runKey, type SandboxRun } from '../../../src/environment/run-key.js';
import { InfrastructureError } from '../../../src/errors.js';

const LIMITS = { network: false, memoryBytes: 2 ** 30, pidsLimit: 512, nanoCpus: 1e9 };
const IMAGE = 'sweb.eval.x86_64.demo__calc-1:latest';

interface Created {
  name: string;
  labels: Record<string, string>;
}

/** A daemon that answers as Docker does; `dropLimits` answers as rootless podman on cgroup v1 (limits accepted, not applied). */
function fakeDaemon(options: { dropLimits?: boolean; images?: () => unknown } = {}) {
  const calls: string[] = [];
  const created: Created[] = [];
  const listFilters: unknown[] = [];
  const docker = {
    createContainer: async (opts: Dockerode.ContainerCreateOptions) => {
      calls.push('create');
      const id = `c${created.length}`;
      created.push({ name: opts.name!, labels: opts.Labels! });
      const host = options.dropLimits ? {} : { Memory: opts.HostConfig?.Memory, PidsLimit: opts.HostConfig?.PidsLimit, NanoCpus: opts.HostConfig?.NanoCpus };
      return {
        id,
        inspect: async () => (calls.push('inspect'), { HostConfig: host }),
        start: async () => void calls.push('start'),
      };
    },
    getContainer: (id: string) => ({ id, remove: async () => void calls.push(`remove ${id}`) }),
    listContainers: async (opts: { filters: unknown }) => {
      calls.push('list');
      listFilters.push(opts.filters);
      return [{ Id: 'left-1' }];
    },
    getImage: () => ({
      inspect: async () => {
        calls.push('image inspect');
        return options.images ? options.images() : { Id: `sha256:${'a'.repeat(64)}`, RepoDigests: [] };
      },
    }),
  } as unknown as Dockerode;
  return { docker, calls, created, listFilters };
}

function provider(docker: Dockerode, run: SandboxRun = { id: 'demo', dir: '/out/a/demo' }): DockerSandboxProvider {
  return new DockerSandboxProvider({ run, pull: 'never', limits: LIMITS, docker });
}

const request = (attempt = 1) => ({ image: IMAGE, cell: { instanceId: 'demo__calc-1', context: '32k', seed: '1' }, purpose: 'rollout' as const, attempt });

describe('run key', () => {
  it('is the same for the same run directory however it is spelled, and differs by directory or id', () => {
    const key = runKey({ id: 'demo', dir: '/out/a/demo' });
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(runKey({ id: 'demo', dir: '/out/a/./demo/' })).toBe(key);
    expect(runKey({ id: 'demo', dir: '/out/b/demo' })).not.toBe(key);
    expect(runKey({ id: 'demo.shard-1-of-2', dir: '/out/a/demo' })).not.toBe(key);
  });
});

describe('DockerSandboxProvider start and leftovers', () => {
  it('labels each container with its run id, directory and key, and names it apart from the same run id elsewhere', async () => {
    const daemon = fakeDaemon();
    await provider(daemon.docker, { id: 'demo', dir: '/out/a/demo' }).start(request());
    await provider(daemon.docker, { id: 'demo', dir: '/out/b/demo' }).start(request());
    const [a, b] = daemon.created;
    expect(a!.labels).toMatchObject({
      'sera-eval.run-id': 'demo',
      'sera-eval.run-dir': '/out/a/demo',
      [RUN_KEY_LABEL]: runKey({ id: 'demo', dir: '/out/a/demo' }),
      'sera-eval.managed': 'true',
    });
    expect(b!.labels[RUN_KEY_LABEL]).toBe(runKey({ id: 'demo', dir: '/out/b/demo' }));
    expect(a!.name).toMatch(/^sera\.rollout\.demo__calc-1\.demo\.32k\.1\.a1\.[0-9a-f]{8}$/);
    expect(a!.name).not.toBe(b!.name);
  });

  it('removes as leftovers only the containers of its own run directory, by the run key label', async () => {
    const daemon = fakeDaemon();
    expect(await provider(daemon.docker).removeLeftovers()).toBe(1);
    expect(daemon.listFilters).toEqual([{ label: [`${RUN_KEY_LABEL}=${runKey({ id: 'demo', dir: '/out/a/demo' })}`] }]);
    expect(daemon.calls).toEqual(['list', 'remove left-1']);
  });

  it('inspects for the limits check on its first start only, and removes a container in one call', async () => {
    const daemon = fakeDaemon();
    const sandbox = provider(daemon.docker);
    const first = await sandbox.start(request(1));
    const second = await sandbox.start(request(2));
    await Promise.all([first.close(), second.close()]);
    expect(daemon.calls).toEqual(['create', 'inspect', 'start', 'create', 'start', 'remove c0', 'remove c1']);
  });

  it('keeps refusing containers while the engine has not applied the limits', async () => {
    const daemon = fakeDaemon({ dropLimits: true });
    const sandbox = provider(daemon.docker);
    for (const attempt of [1, 2]) {
      const refused = await sandbox.start(request(attempt)).then(() => null, (err: unknown) => err);
      expect(refused).toBeInstanceOf(InfrastructureError);
      expect((refused as InfrastructureError).code).toBe('limits_not_enforced');
    }
    expect(daemon.calls.filter((c) => c === 'inspect')).toHaveLength(2);
  });

  it('looks an image identity up once per image, and again after the engine gave no answer', async () => {
    let answer: unknown = null;
    const daemon = fakeDaemon({ images: () => answer });
    const sandbox = provider(daemon.docker);
    expect(await sandbox.imageIdentity(IMAGE)).toBeNull();
    answer = { Id: `sha256:${'b'.repeat(64)}`, RepoDigests: [] };
    const identity = { id: `sha256:${'b'.repeat(64)}`, repoDigest: null };
    expect(await sandbox.imageIdentity(IMAGE)).toEqual(identity);
    expect(await sandbox.imageIdentity(IMAGE)).toEqual(identity);
    expect(daemon.calls.filter((c) => c === 'image inspect')).toHaveLength(2);
  });
});
