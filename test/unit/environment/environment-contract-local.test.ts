import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { LocalEnvironment } from '../../../src/environment/local-environment.js';
import { createContractRepo, describeEnvironmentContract } from '../../support/environment-contract.js';

const repos: string[] = [];
afterAll(() => {
  for (const dir of repos) rmSync(dir, { recursive: true, force: true });
});

describeEnvironmentContract('LocalEnvironment', {
  create: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sera-eval-contract-'));
    repos.push(dir);
    createContractRepo(dir);
    return new LocalEnvironment(dir);
  },
});
