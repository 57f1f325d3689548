import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ContainerFlagsSchema, containerCpus, sandboxFor } from '../../../src/cli/grading-options.js';
import { DockerSandboxProvider } from '../../../src/environment/docker/docker-sandbox.js';
import { DEMO_DATASET_PATH } from '../../../src/benchmarks/demo/demo-repo.js';
import { runCli } from '../../support/cli-runner.js';

const RAW = { imageTemplate: 'swebench', pull: 'never', timeout: '1800', memory: '8g', pids: '8192', maxOutput: '32m', output: 'results' };
const io = { stdout: { write: () => true }, stderr: { write: () => true } };

describe('--cpus', () => {
  it("defaults to the machine's cores divided by the grading workers, at least 1", () => {
    const cores = os.availableParallelism();
    const flags = ContainerFlagsSchema.parse(RAW);
    expect(containerCpus(flags, 1)).toBe(cores);
    expect(containerCpus(flags, 2)).toBe(Math.max(1, cores / 2));
    expect(containerCpus(flags, cores * 4)).toBe(1);
  });

  it('is given to every container of the run as a CPU quota, with the memory and pids limits', async () => {
    const flags = ContainerFlagsSchema.parse({ ...RAW, cpus: '1.5' });
    const sandbox = (await sandboxFor(flags, { id: 'run-1', dir: '/tmp/run-1' }, io, 8)).provider;
    if (!(sandbox instanceof DockerSandboxProvider)) throw new Error('expected the docker sandbox by default');
    expect(sandbox.limits).toEqual({
      network: false,
      memoryBytes: 8 * 1024 ** 3,
      pidsLimit: 8192,
      nanoCpus: 1_500_000_000,
    });
  });

  it('refuses a quota that is not a positive number or exceeds the cores, naming the flag (exit 2)', async () => {
    for (const bad of ['0', 'two', String(os.availableParallelism() + 1)]) {
      const run = await runCli(['evaluate', '--dataset', DEMO_DATASET_PATH, '--predictions', 'gold', '--pull', 'never', '--cpus', bad]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--cpus');
    }
  });
});
