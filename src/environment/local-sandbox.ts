/**
 * `--sandbox local`: each environment is a private copy of a host directory standing for the
 * image, driven by LocalEnvironment (bash on the host, no Docker). For development, tests and
 * plugins' own checks; it isolates nothing: commands run as the harness's user with its network.
 */
import { cp, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { InfrastructureError } from '../errors.js';
import type { Environment } from './environment.js';
import { LocalEnvironment } from './local-environment.js';
import { defineSandbox } from './sandbox-factory.js';
import { cleanUpOnSignals } from './signal-cleanup.js';
import type { SandboxProvider, SandboxRequest } from './sandbox-provider.js';

export const LocalSandboxConfigSchema = z
  .object({
    workspaces: z
      .record(z.string(), z.string().min(1))
      .default({})
      .describe('image name → host directory copied to /testbed for each environment; an absolute directory path is also accepted as an image name'),
  })
  .strict();
export type LocalSandboxConfig = z.infer<typeof LocalSandboxConfigSchema>;

export class LocalSandboxProvider implements SandboxProvider {
  private readonly live = new Set<{ env: LocalEnvironment; dir: string }>();

  constructor(private readonly config: LocalSandboxConfig) {}

  private sourceOf(image: string): string {
    return this.config.workspaces[image] ?? image;
  }

  /** @throws InfrastructureError 'image_unavailable' when the image names no directory. */
  async prepareImage(image: string): Promise<void> {
    const source = this.sourceOf(image);
    const isDir = path.isAbsolute(source) && (await stat(source).then((s) => s.isDirectory(), () => false));
    if (!isDir) {
      throw new InfrastructureError(
        'image_unavailable',
        `local sandbox: no workspace for image ${image}; known: ${Object.keys(this.config.workspaces).join(', ') || '(none)'}`,
      );
    }
  }

  /** /testbed is a copy of the image's directory; /tmp and /eval.sh live beside it, never on the host's. */
  async start(request: SandboxRequest): Promise<Environment> {
    await this.prepareImage(request.image);
    const dir = await mkdtemp(path.join(tmpdir(), 'sera-local-sandbox-'));
    const testbed = path.join(dir, 'testbed');
    await cp(this.sourceOf(request.image), testbed, { recursive: true, verbatimSymlinks: true });
    await mkdir(path.join(dir, 'tmp'));
    const env = new LocalEnvironment(testbed, { mounts: { '/tmp': path.join(dir, 'tmp'), '/eval.sh': path.join(dir, 'eval.sh') } });
    const entry = { env, dir };
    this.live.add(entry);
    const close = env.close.bind(env);
    env.close = async () => {
      this.live.delete(entry);
      await close();
      await rm(dir, { recursive: true, force: true });
    };
    return env;
  }

  /** Nothing outlives a process: each environment's directory is removed on close or by the signal handler. */
  async removeLeftovers(): Promise<number> {
    return 0;
  }

  installCleanup(options: { reraise: boolean }): () => void {
    return cleanUpOnSignals(() => Promise.allSettled([...this.live].map(({ env }) => env.close())), options);
  }
}

export const localSandbox = defineSandbox<LocalSandboxConfig>({
  name: 'local',
  description: 'a copy of a host directory per environment, bash on the host (no isolation: for development and tests)',
  configSchema: LocalSandboxConfigSchema,
  create: (_run, config) => new LocalSandboxProvider(config),
});
