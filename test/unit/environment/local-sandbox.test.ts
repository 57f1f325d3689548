import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContractRepo } from '../../../src/environment/contract/environment-contract.js';
import { sandboxes } from '../../../src/environment/sandboxes.js';
import { InfrastructureError } from '../../../src/errors.js';

const image = mkdtempSync(join(tmpdir(), 'sera-eval-local-sandbox-'));
createContractRepo(image);
afterAll(() => rmSync(image, { recursive: true, force: true }));

const local = sandboxes.get('local');
const provider = local.create({ id: 't', dir: '/tmp/t' }, local.configSchema.parse({ workspaces: { img: image } }));
const request = { image: 'img', cell: { instanceId: 'a__b-1', context: '-', seed: '-' }, purpose: 'grading' as const, attempt: 1 };

describe('local sandbox', () => {
  it('gives each environment its own copy of the image, with /tmp and /eval.sh beside it, not on the host', async () => {
    const first = await provider.start(request);
    const second = await provider.start(request);
    try {
      await first.writeFile('/eval.sh', 'echo graded\n');
      await first.writeFile('/tmp/patch.diff', 'x');
      await first.writeFile('/testbed/README.md', 'changed\n');
      expect(existsSync('/eval.sh')).toBe(false);
      expect(existsSync('/tmp/patch.diff')).toBe(false);
      expect((await first.exec(['bash', '/eval.sh'])).output).toBe('graded\n');
      expect((await first.run('cat /tmp/patch.diff')).output).toBe('x');
      expect((await second.readFile('/testbed/README.md')).toString()).toBe('hello\n');
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('says which images it knows when one is missing (infrastructure, as an image that will not pull)', async () => {
    const failure = provider.prepareImage('sweb.eval.x86_64.django__django-1:latest');
    await expect(failure).rejects.toBeInstanceOf(InfrastructureError);
    await expect(failure).rejects.toThrow(/no workspace for image sweb\.eval\.x86_64\.django__django-1:latest; known: img/);
  });

  it('rejects settings it does not know, so a typo is not silently ignored', () => {
    expect(local.configSchema.safeParse({ workspace: {} }).success).toBe(false);
    expect(sandboxes.get('docker').configSchema.safeParse({ memory: '2g' }).success).toBe(false);
  });

  it('removes every live environment on a signal, through the cleanup the provider installs', async () => {
    const env = await provider.start(request);
    const uninstall = provider.installCleanup({ reraise: false });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      await expect.poll(() => env.run('true').then(() => 'alive', () => 'closed')).toBe('closed');
    } finally {
      uninstall();
    }
  });
});
