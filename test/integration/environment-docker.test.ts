import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { DockerEnvironment } from '../../src/environment/docker/docker-environment.js';
import { removeContainersByLabel } from '../../src/environment/docker/container-registry.js';
import { requireDocker } from '../support/docker.js';
import { describeEnvironmentContract } from '../support/environment-contract.js';
import { CONTRACT_IMAGE, buildContractImage } from '../support/fixture-images.js';

const { available, docker } = await requireDocker();
const runId = `contract-${randomBytes(4).toString('hex')}`;

describe.skipIf(!available)('DockerEnvironment', () => {
  beforeAll(() => buildContractImage(docker));
  afterAll(() => removeContainersByLabel(docker, runId));

  let count = 0;
  describeEnvironmentContract('DockerEnvironment', {
    create: () =>
      DockerEnvironment.start({
        docker,
        image: CONTRACT_IMAGE,
        name: `sera-eval-${runId}-${++count}`,
        labels: { 'sera-eval.run-id': runId },
      }),
  });
});
