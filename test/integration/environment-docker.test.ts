import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { describeSandboxContract } from '../../src/environment/contract/environment-contract.js';
import { removeContainersByLabel } from '../../src/environment/docker/container-registry.js';
import { sandboxes } from '../../src/environment/sandboxes.js';
import { requireDocker } from '../support/docker.js';
import { CONTRACT_IMAGE, buildContractImage } from '../support/fixture-images.js';

const { available, docker } = await requireDocker();
const runId = `contract-${randomBytes(4).toString('hex')}`;

describe.skipIf(!available)('docker sandbox', () => {
  beforeAll(() => buildContractImage(docker));
  afterAll(() => removeContainersByLabel(docker, runId));

  const factory = sandboxes.get('docker');
  describeSandboxContract('docker', {
    provider: () => factory.create({ id: runId, dir: `/tmp/${runId}` }, factory.configSchema.parse({ pull: 'never' })),
    image: CONTRACT_IMAGE,
  });
});
