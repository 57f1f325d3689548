/**
 * Instance images for integration tests, built from small git repositories made in a temp dir.
 * buildRepoImage caches by content hash, so an unchanged fixture is built once per machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { buildRepoImage } from '../../src/environment/local-images.js';
import { createContractRepo } from '../../src/environment/contract/environment-contract.js';

export const CONTRACT_IMAGE = 'sera-eval-test/contract:latest';

/** Build `imageName` from a fresh git repository that `populate` fills in. */
export async function buildFixtureImage(
  docker: Dockerode,
  imageName: string,
  populate: (dir: string) => void,
  setupCommands?: string[],
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sera-eval-fixture-'));
  try {
    populate(dir);
    await buildRepoImage(docker, { gitDir: dir, imageName, setupCommands });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The image the Environment contract runs in: createContractRepo's repository at /testbed. */
export function buildContractImage(docker: Dockerode): Promise<void> {
  return buildFixtureImage(docker, CONTRACT_IMAGE, createContractRepo);
}
