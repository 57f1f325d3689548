/** Small temp git repositories for the agent's unit tests, opened as a LocalEnvironment at /testbed. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalEnvironment } from '../../../src/environment/local-environment.js';

export interface TempRepo {
  dir: string;
  env: LocalEnvironment;
  baseCommit: string;
  cleanup(): Promise<void>;
}

export async function makeTempRepo(files: Record<string, string | Buffer>): Promise<TempRepo> {
  const root = await mkdtemp(join(tmpdir(), 'sera-agent-test-'));
  const dir = join(root, 'testbed');
  await mkdir(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'base');
  const baseCommit = git('rev-parse', 'HEAD').trim();
  const env = new LocalEnvironment(dir);
  return {
    dir,
    env,
    baseCommit,
    async cleanup() {
      await env.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
