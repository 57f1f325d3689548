import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerEnvironment } from '../../src/environment/docker/docker-environment.js';
import { removeContainersByLabel } from '../../src/environment/docker/container-registry.js';
import { ensureImage } from '../../src/environment/images.js';
import { PYTHON_BASE_IMAGE } from '../../src/environment/local-images.js';
import { requireDocker } from '../support/docker.js';
import { expectLeftoversSweptByRunDirectory } from '../support/run-key-leftovers.js';
import { CONTRACT_IMAGE, buildContractImage, buildFixtureImage } from '../support/fixture-images.js';
import { createContractRepo } from '../../src/environment/contract/environment-contract.js';

const { available, docker } = await requireDocker();
const runId = `lifecycle-${randomBytes(4).toString('hex')}`;
const SRC = resolve(import.meta.dirname, '../../src');

async function containerExists(id: string): Promise<boolean> {
  try {
    await docker.getContainer(id).inspect();
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!available)('DockerEnvironment lifecycle and images', () => {
  let count = 0;
  const options = () => ({ docker, image: CONTRACT_IMAGE, name: `sera-eval-${runId}-${++count}`, labels: { 'sera-eval.run-id': runId } });
  beforeAll(() => buildContractImage(docker));
  afterAll(() => removeContainersByLabel(docker, runId));

  it('removes the container on close', async () => {
    const env = await DockerEnvironment.start(options());
    expect(await containerExists(env.id)).toBe(true);
    await env.close();
    expect(await containerExists(env.id)).toBe(false);
  });

  it('finds and removes leftovers by run-id label', async () => {
    const label = `${runId}-leftovers`;
    const envs = await Promise.all([1, 2].map(() => DockerEnvironment.start({ ...options(), labels: { 'sera-eval.run-id': label } })));
    expect(await removeContainersByLabel(docker, label)).toBe(2);
    for (const env of envs) expect(await containerExists(env.id)).toBe(false);
  });

  it('removes as leftovers only its own run directory’s containers when another directory runs the same run id', async () => {
    await expectLeftoversSweptByRunDirectory(docker, runId);
  });

  it('removes live containers when a process that started them gets SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sera-eval-sigint-'));
    const script = join(dir, 'start-and-wait.mts');
    writeFileSync(
      script,
      [
        `import { DockerEnvironment } from ${JSON.stringify(join(SRC, 'environment/docker/docker-environment.ts'))};`,
        `import { installCleanupHandlers } from ${JSON.stringify(join(SRC, 'environment/docker/container-registry.ts'))};`,
        'installCleanupHandlers();',
        `const env = await DockerEnvironment.start(${JSON.stringify({ image: CONTRACT_IMAGE, name: `sera-eval-${runId}-sigint`, labels: { 'sera-eval.run-id': runId } })});`,
        "console.log('STARTED ' + env.id);",
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    );
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const id = await new Promise<string>((resolveId, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /STARTED (\w+)/.exec(out);
          if (match) resolveId(match[1]!);
        });
        child.on('exit', (code) => reject(new Error(`child exited ${code} before starting: ${out}`)));
      });
      expect(await containerExists(id)).toBe(true);
      const exited = new Promise<NodeJS.Signals | null>((resolveExit) => child.on('exit', (_code, signal) => resolveExit(signal)));
      child.kill('SIGINT');
      expect(await exited).toBe('SIGINT');
      expect(await containerExists(id)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails to start on a missing image with code 'image_unavailable'", async () => {
    await expect(DockerEnvironment.start({ ...options(), image: 'sera-eval-test/no-such-image:latest' })).rejects.toMatchObject({
      code: 'image_unavailable',
      message: expect.stringContaining('sera-eval-test/no-such-image:latest'),
    });
  });

  it('uses a local image as is, and names the image it could not get', async () => {
    await ensureImage(docker, PYTHON_BASE_IMAGE, 'never');
    await ensureImage(docker, PYTHON_BASE_IMAGE, 'missing');
    const missing = 'sera-eval-test/never-built:latest';
    await expect(ensureImage(docker, missing, 'never')).rejects.toMatchObject({ code: 'image_unavailable', message: expect.stringContaining(missing) });
    // No registry answers here: the pull itself fails, and that is reported the same way.
    await expect(ensureImage(docker, missing, 'missing')).rejects.toMatchObject({
      code: 'image_unavailable',
      message: expect.stringContaining('could not be pulled'),
    });
  });

  it('builds a repo image with setup commands committed, a clean tree, and the conda shim', async () => {
    const image = `sera-eval-test/setup-${runId}:latest`;
    const populate = (dir: string) => {
      createContractRepo(dir);
      writeFileSync(join(dir, 'tox.ini'), '[testenv]\ncommands = pytest {posargs}\n');
      const date = '2024-01-02T00:00:00Z';
      execFileSync('git', ['-C', dir, 'add', 'tox.ini']);
      execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'tox'], {
        env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
    };
    try {
      await buildFixtureImage(docker, image, populate, ["sed -i 's/pytest/pytest -rA/' tox.ini"]);
      const firstId = (await docker.getImage(image).inspect()).Id;
      await buildFixtureImage(docker, image, populate, ["sed -i 's/pytest/pytest -rA/' tox.ini"]);
      expect((await docker.getImage(image).inspect()).Id).toBe(firstId);

      const env = await DockerEnvironment.start({ ...options(), image });
      try {
        const check = await env.exec([
          'bash',
          '-c',
          'git log -1 --format="%s <%ae>"; git status --porcelain; cat tox.ini; source /opt/miniconda3/bin/activate && conda activate testbed && python -m pytest --version',
        ]);
        expect(check.exitCode).toBe(0);
        expect(check.output).toContain('SWE-bench <setup@swebench.config>\n[testenv]\ncommands = pytest -rA {posargs}\n');
        expect(check.output).toMatch(/pytest \d+\.\d+/);
      } finally {
        await env.close();
      }

      await buildFixtureImage(docker, image, populate, ['echo changed > CHANGED']);
      expect((await docker.getImage(image).inspect()).Id).not.toBe(firstId);
    } finally {
      await docker.getImage(image).remove({ force: true }).catch(() => undefined);
    }
  });
});
