/**
 * Integration files call requireDocker() (or requirePodman()) at load time and wrap their suites
 * in `describe.skipIf(!available)`. Without an engine, CI (CI=true) fails loudly instead of
 * skipping: a green CI that ran no Docker test would be a lie.
 */
import type Dockerode from 'dockerode';
import { dockerClient } from '../../src/environment/docker/docker-host.js';

export interface DockerAvailability {
  available: boolean;
  docker: Dockerode;
}

/**
 * Where scripts/start-podman-service.sh starts podman's Docker-compatible service, rootful and
 * rootless; SERA_EVAL_PODMAN_HOST and SERA_EVAL_PODMAN_ROOTLESS_HOST point the tests elsewhere.
 */
export const PODMAN_HOST = process.env.SERA_EVAL_PODMAN_HOST ?? 'unix:///run/sera-eval/podman/podman.sock';
export const PODMAN_ROOTLESS_HOST = process.env.SERA_EVAL_PODMAN_ROOTLESS_HOST ?? 'unix:///tmp/sera-eval-podman-rootless/podman.sock';

export function requireDocker(): Promise<DockerAvailability> {
  return requireEngine('Docker daemon', dockerClient(), 'Start dockerd or run .ci/run.');
}

/** podman's Docker-compatible API socket (`podman system service`), checked to be podman. */
export function requirePodman(host: string): Promise<DockerAvailability> {
  return requireEngine(`podman service at ${host}`, dockerClient(host), 'Run `bash scripts/ensure-system.sh podman` or .ci/run.', async (docker) => {
    const version = await docker.version();
    if (!version.Components?.some((component) => component.Name === 'Podman Engine')) {
      throw new Error(`${host} answers but is not podman (${version.Components?.map((c) => c.Name).join(', ') ?? 'no components'})`);
    }
  });
}

async function requireEngine(what: string, docker: Dockerode, hint: string, check?: (docker: Dockerode) => Promise<void>): Promise<DockerAvailability> {
  try {
    await docker.ping();
    await check?.(docker);
    return { available: true, docker };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but no ${what} answers (${reason}): integration tests must run on CI`);
    }
    console.warn(`Skipping integration tests: no ${what} answers (${reason}). ${hint}`);
    return { available: false, docker };
  }
}
