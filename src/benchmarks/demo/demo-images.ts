/**
 * Instance images for the embedded demo benchmark: each row's repository is materialized as a git
 * repo whose commit must be the row's base_commit, then built into an image with the official
 * local naming (`sweb.eval.x86_64.<id>:latest`). Builds are cached by content, so a second demo
 * run starts at once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { demoRepoSourceDir, materializeRepo } from './demo-repo.js';
import type { SweBenchInstance } from '../../dataset/schema.js';
import { imageNameFor } from '../swe-bench/image-names.js';
import { InputError } from '../../errors.js';

export const DEMO_IMAGE_TEMPLATE = 'local';

export type RepoImageBuilder = (gitDir: string, imageName: string) => Promise<void>;

export async function buildDemoImages(rows: readonly SweBenchInstance[], build: RepoImageBuilder, onImage?: (name: string) => void): Promise<void> {
  for (const row of rows) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sera-eval-demo-repo-'));
    try {
      const sha = await materializeRepo(demoRepoSourceDir(row.repo), path.join(dir, 'repo'));
      if (sha !== row.base_commit) {
        throw new InputError(
          `${row.instance_id}: base_commit ${row.base_commit} does not match the materialized repository (${sha}); ` +
            'run `npx tsx src/benchmarks/demo/demo-repo.ts --update` after editing a demo repo',
        );
      }
      const image = imageNameFor(row, DEMO_IMAGE_TEMPLATE);
      onImage?.(image);
      await build(path.join(dir, 'repo'), image);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/**
 * The demo's rows as directories for `--sandbox local`: each row's repository materialized under
 * `root` (checked against base_commit), keyed by the image name the row would have.
 */
export async function materializeDemoWorkspaces(rows: readonly SweBenchInstance[], root: string): Promise<Record<string, string>> {
  const workspaces: Record<string, string> = {};
  for (const row of rows) {
    const dir = path.join(root, row.instance_id);
    const sha = await materializeRepo(demoRepoSourceDir(row.repo), dir);
    if (sha !== row.base_commit) throw new InputError(`${row.instance_id}: base_commit ${row.base_commit} does not match the materialized repository (${sha})`);
    workspaces[imageNameFor(row, DEMO_IMAGE_TEMPLATE)] = dir;
  }
  return workspaces;
}
