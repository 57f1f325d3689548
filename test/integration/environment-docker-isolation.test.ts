import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DockerEnvironment, type DockerEnvironmentOptions } from '../../src/environment/docker/docker-environment.js';
import { removeContainersByLabel } from '../../src/environment/docker/container-registry.js';
import { EnvironmentUnavailableError } from '../../src/environment/environment.js';
import { InterruptedError } from '../../src/errors.js';
import { requireDocker } from '../support/docker.js';
import { CONTRACT_IMAGE, buildContractImage } from '../support/fixture-images.js';

const { available, docker } = await requireDocker();
/** Forks sleeping children until the kernel refuses; prints how many it made. */
const FORK_UNTIL_REFUSED = `
import os, time
made = 0
try:
    while made < 1000:
        if os.fork() == 0:
            time.sleep(3)
            os._exit(0)
        made += 1
except OSError:
    pass
print('forks', made)
`;
const runId = `isolation-${randomBytes(4).toString('hex')}`;

describe.skipIf(!available)('DockerEnvironment isolation, limits and failures', () => {
  const open: DockerEnvironment[] = [];
  let count = 0;
  const start = async (options: Partial<DockerEnvironmentOptions> = {}) => {
    const env = await DockerEnvironment.start({
      docker,
      image: CONTRACT_IMAGE,
      name: `sera-eval-${runId}-${++count}`,
      labels: { 'sera-eval.run-id': runId },
      ...options,
    });
    open.push(env);
    return env;
  };
  beforeAll(() => buildContractImage(docker));
  afterEach(async () => {
    await Promise.all(open.splice(0).map((env) => env.close()));
  });
  afterAll(() => removeContainersByLabel(docker, runId));

  it('has no network by default, and network when asked', async () => {
    const isolated = await start();
    const lookup = await isolated.exec(['getent', 'hosts', 'deb.debian.org'], { timeoutS: 20 });
    expect(lookup.exitCode).not.toBe(0);
    const connect = await isolated.exec(['python3', '-c', "import socket; socket.create_connection(('1.1.1.1', 53), timeout=5)"], { timeoutS: 20 });
    expect(connect.output).toMatch(/Network is unreachable|OSError/);
    const connected = await start({ network: true });
    const positive = await connected.exec(['getent', 'hosts', 'deb.debian.org'], { timeoutS: 20 });
    expect(positive.exitCode).toBe(0);
  });

  it('applies the memory, pids and CPU limits and labels the container', async () => {
    const env = await start({ memoryBytes: 512 * 1024 * 1024, pidsLimit: 256, nanoCpus: 1_000_000_000 });
    const info = await docker.getContainer(env.id).inspect();
    expect(info.HostConfig).toMatchObject({ NetworkMode: 'none', Memory: 512 * 1024 * 1024, MemorySwap: 512 * 1024 * 1024, PidsLimit: 256, NanoCpus: 1_000_000_000 });
    expect(info.Config.Labels).toMatchObject({ 'sera-eval.run-id': runId, 'sera-eval.managed': 'true' });
    const forks = await env.exec(['python3', '-c', FORK_UNTIL_REFUSED], { timeoutS: 60 });
    const made = Number(/forks (\d+)/.exec(forks.output)?.[1]);
    expect(made).toBeGreaterThan(10);
    expect(made).toBeLessThan(256);
  });

  it('kills the whole process tree when exec times out', async () => {
    const env = await start();
    const result = await env.exec(['bash', '-c', 'sleep 301 & sleep 302 & (sleep 303; echo) & wait'], { timeoutS: 2 });
    expect(result.timedOut).toBe(true);
    const ps = await env.exec(['ps', '-eo', 'args']);
    expect(ps.output).not.toMatch(/sleep 30[123]/);
  });

  it('caps a 200 MB output quickly and with bounded memory, keeping the tail', async () => {
    const env = await start();
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const result = await env.exec(['bash', '-c', 'head -c 200000000 /dev/zero | tr "\\0" x; echo; echo LAST-LINE'], { maxOutputBytes: 64 * 1024 });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.outputBytes).toBe(200_000_000 + 11);
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBeLessThan(64 * 1024 + 200);
    expect(result.output).toMatch(/\[\.\.\. \d+ bytes of output cut/);
    expect(result.output.endsWith('LAST-LINE\n')).toBe(true);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it("tells an out-of-memory kill apart (code 'oom') in exec and in the shell", async () => {
    const env = await start({ memoryBytes: 128 * 1024 * 1024 });
    const hog = "python3 -c 'x = bytearray(1024 * 1024 * 1024); print(len(x))'";
    await expect(env.exec(['bash', '-c', hog], { timeoutS: 60 })).rejects.toMatchObject({ code: 'oom' });
    await expect(env.run(hog, { timeoutS: 60 })).rejects.toMatchObject({ code: 'oom' });
    const plainKill = await env.exec(['bash', '-c', 'kill -9 $$']);
    expect(plainKill.exitCode).toBe(137);
  });

  it('reports a dead container as EnvironmentUnavailableError, not as command output', async () => {
    const env = await start();
    await env.run('echo warm');
    await docker.getContainer(env.id).kill();
    await expect(env.run('echo hello')).rejects.toBeInstanceOf(EnvironmentUnavailableError);
    await expect(env.exec(['true'])).rejects.toBeInstanceOf(EnvironmentUnavailableError);
  });

  it('replaces a shell that cannot be interrupted, and says so', async () => {
    const env = await start();
    await env.run('cd /tmp');
    const result = await env.run("trap '' INT; exec sleep 600", { timeoutS: 1 });
    expect(result).toMatchObject({ timedOut: true, shellRestarted: true });
    expect((await env.run('pwd')).output).toBe('/testbed\n');
  }, 60_000);

  it("runs shell commands on an 80x24 terminal, like SWE-ReX's pexpect shell", async () => {
    const env = await start();
    const size = await env.run('python3 -c "import shutil; print(tuple(shutil.get_terminal_size()))"; [ -t 1 ] && echo tty');
    expect(size.output).toBe('(80, 24)\ntty\n');
  });

  it('refuses a path under a regular file as a failed request, not as infrastructure', async () => {
    const env = await start();
    await expect(env.writeFile('/testbed/README.md/x.txt', 'x')).rejects.toMatchObject({ code: 'write_failed' });
    await expect(env.readFile('/testbed/README.md/x')).rejects.toMatchObject({
      code: 'read_failed',
      message: 'cannot read /testbed/README.md/x: lstat /testbed/README.md/x: not a directory',
    });
  });

  it('stops a command when its cell is aborted, and throws InterruptedError', async () => {
    const env = await start();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const started = Date.now();
    await expect(env.run('sleep 60', { signal: controller.signal })).rejects.toBeInstanceOf(InterruptedError);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await env.run('echo still-here')).output).toBe('still-here\n');
  });

  it('reads a file through a symlink', async () => {
    const env = await start();
    await env.run('ln -s README.md /testbed/link.md');
    expect((await env.readFile('/testbed/link.md')).toString()).toBe('hello\n');
  });
});
