/**
 * Integration files call requireDocker() at load time and wrap their suites in
 * `describe.skipIf(!docker.available)`. Without a daemon, CI (CI=true) fails loudly instead of
 * skipping: a green CI that ran no Docker test would be a lie.
 */
import Dockerode from 'dockerode';

export interface DockerAvailability {
  available: boolean;
  docker: Dockerode;
}

export async function requireDocker(): Promise<DockerAvailability> {
  const docker = new Dockerode();
  try {
    await docker.ping();
    return { available: true, docker };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but no Docker daemon answers (${reason}): integration tests must run on CI`);
    }
    console.warn(`Skipping Docker integration tests: no Docker daemon answers (${reason}). Start dockerd or run .ci/run.`);
    return { available: false, docker };
  }
}
