/**
 * The same run id in two run directories on one engine (Docker or podman's compat API): each
 * provider's leftover sweep removes its own directory's container only, though both share the
 * run id, instance, purpose and attempt (so their names differ only by the run key).
 */
import type Dockerode from 'dockerode';
import { expect } from 'vitest';
import type { DockerEnvironment } from '../../src/environment/docker/docker-environment.js';
import { DockerSandboxProvider } from '../../src/environment/docker/docker-sandbox.js';
import { CONTRACT_IMAGE } from './fixture-images.js';

const LIMITS = { network: false, memoryBytes: 512 * 1024 * 1024, pidsLimit: 256 };

async function exists(docker: Dockerode, id: string): Promise<boolean> {
  return docker
    .getContainer(id)
    .inspect()
    .then(() => true, () => false);
}

export async function expectLeftoversSweptByRunDirectory(docker: Dockerode, runId: string): Promise<void> {
  const sandbox = (dir: string) => new DockerSandboxProvider({ run: { id: runId, dir }, pull: 'never', limits: LIMITS, docker });
  const [mine, theirs] = [sandbox(`/runs/a/${runId}`), sandbox(`/runs/b/${runId}`)];
  const request = { image: CONTRACT_IMAGE, cell: { instanceId: 'sera-eval__twin-1', context: '-', seed: '-' }, purpose: 'grading' as const, attempt: 1 };
  const [kept, swept] = (await Promise.all([mine.start(request), theirs.start(request)])) as DockerEnvironment[];
  try {
    const labels = (await docker.getContainer(kept!.id).inspect()).Config.Labels;
    expect(labels).toMatchObject({ 'sera-eval.run-id': runId, 'sera-eval.run-dir': `/runs/a/${runId}`, 'sera-eval.run-key': expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(await theirs.removeLeftovers()).toBe(1);
    expect(await exists(docker, kept!.id)).toBe(true);
    expect(await exists(docker, swept!.id)).toBe(false);
    expect(await mine.removeLeftovers()).toBe(1);
    expect(await exists(docker, kept!.id)).toBe(false);
  } finally {
    await Promise.all([kept!.close(), swept!.close()]);
  }
}
