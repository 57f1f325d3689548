import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createContractRepo, describeSandboxContract } from '../../../src/environment/contract/environment-contract.js';
import { sandboxes } from '../../../src/environment/sandboxes.js';

const image = mkdtempSync(join(tmpdir(), 'sera-eval-contract-'));
createContractRepo(image);
afterAll(() => rmSync(image, { recursive: true, force: true }));

const local = sandboxes.get('local');
describeSandboxContract('local', {
  provider: () => local.create({ id: 'contract', dir: '/tmp/contract' }, local.configSchema.parse({ workspaces: { 'contract-image': image } })),
  image: 'contract-image',
});
