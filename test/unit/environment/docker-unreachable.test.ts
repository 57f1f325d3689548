import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { DockerEnvironment } from '../../../src/environment/docker/docker-environment.js';
import { EnvironmentUnavailableError } from '../../../src/environment/environment.js';
import { InterruptedError } from '../../../src/errors.js';
import { DEMO_DATASET_PATH } from '../../../src/benchmarks/demo/demo-repo.js';
import { runCli } from '../../support/cli-runner.js';

// A client for a socket nobody listens on: what the harness sees when the daemon has vanished.
const gone = new Dockerode({ socketPath: '/nonexistent/sera-eval-docker.sock' });
const options = { docker: gone, image: 'any:latest', name: 'never-started', labels: { 'sera-eval.run-id': 'unit' } };

describe('DockerEnvironment without a daemon', () => {
  it('reports a vanished daemon as EnvironmentUnavailableError after retrying', async () => {
    const started = Date.now();
    const attempt = DockerEnvironment.start(options);
    await expect(attempt).rejects.toBeInstanceOf(EnvironmentUnavailableError);
    await expect(attempt).rejects.toThrow(/creating container never-started: Docker daemon failed 3 times/);
    // Two backoff pauses (0.5 s, 1 s) show that it retried.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('does not start when the run was already interrupted', async () => {
    await expect(DockerEnvironment.start({ ...options, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(InterruptedError);
  });
});

describe('a command run without a Docker daemon', () => {
  it('names the socket and what to do, and exits 3', async () => {
    const output = mkdtempSync(path.join(tmpdir(), 'no-daemon-'));
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/sera-eval-docker.sock';
    try {
      const run = await runCli(['evaluate', '--dataset', DEMO_DATASET_PATH, '--predictions', 'gold', '--pull', 'never', '--output', output]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('cannot reach the Docker daemon at /nonexistent/sera-eval-docker.sock: start dockerd (or podman system service) or point --docker-host / DOCKER_HOST at it');
      expect(run.stderr).not.toMatch(/unexpected error|ENOENT|\n\s+at /);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('talks to the socket --docker-host names, not DOCKER_HOST', async () => {
    const output = mkdtempSync(path.join(tmpdir(), 'no-daemon-'));
    const args = ['evaluate', '--dataset', DEMO_DATASET_PATH, '--predictions', 'gold', '--pull', 'never', '--output', output];
    const run = await runCli([...args, '--docker-host', 'unix:///nonexistent/sera-eval-podman.sock']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('cannot reach the Docker daemon at /nonexistent/sera-eval-podman.sock');
  });
});
