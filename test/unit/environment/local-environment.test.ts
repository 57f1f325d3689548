import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvironmentUnavailableError, FileNotFoundError } from '../../../src/environment/environment.js';
import { makeTempRepo, type TempRepo } from '../agent/temp-repo.js';

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe('LocalEnvironment', () => {
  it('keeps shell state between commands and reports exit codes', async () => {
    repo = await makeTempRepo({ 'a.txt': 'hello\n' });
    const { env } = repo;
    expect(await env.run('pwd')).toEqual({ output: '/testbed\n', exitCode: 0, timedOut: false });
    await env.run('mkdir sub && cd sub && export GREETING=hi');
    expect((await env.run('pwd; echo $GREETING')).output).toBe('/testbed/sub\nhi\n');
    expect((await env.run('cd /testbed && cat a.txt')).output).toBe('hello\n');
    const failed = await env.run('echo oops >&2; false');
    expect(failed).toEqual({ output: 'oops\n', exitCode: 1, timedOut: false });
    expect(await env.run('nosuchcommand_xyz')).toEqual({
      // the interactive shell's wording, as SWE-ReX's session printed it
      output: 'bash: nosuchcommand_xyz: command not found\n',
      exitCode: 127,
      timedOut: false,
    });
  });

  it('does not let a command read the harness input or environment', async () => {
    repo = await makeTempRepo({});
    process.env.SERA_TEST_SECRET = 'sk-should-not-leak';
    try {
      const read = await repo.env.run('cat', { timeoutS: 0.2 });
      expect(read.timedOut).toBe(true);
      expect(read.output).not.toContain('sk-should-not-leak');
      const result = await repo.env.run('env');
      expect(result.output).not.toContain('sk-should-not-leak');
      expect(result.exitCode).toBe(0);
    } finally {
      delete process.env.SERA_TEST_SECRET;
    }
  });

  it('interrupts a command that outlives its timeout and keeps the shell usable', async () => {
    repo = await makeTempRepo({});
    const { env } = repo;
    await env.run('cd /testbed && export KEPT=yes');
    const started = Date.now();
    const result = await env.run('echo before; sleep 30; echo after', { timeoutS: 0.2 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.timedOut).toBe(true);
    expect(result.output).toContain('before');
    expect(result.output).not.toContain('after');
    expect((await env.run('echo $KEPT')).output).toBe('yes\n');
  });

  it('interrupts a builtin loop, which no child process can stop, and keeps the shell', async () => {
    repo = await makeTempRepo({});
    const result = await repo.env.run('while true; do :; done', { timeoutS: 0.2 });
    expect(result.timedOut).toBe(true);
    expect((await repo.env.run('echo alive')).output).toBe('alive\n');
  });

  it('maps /testbed paths for files and reports missing files', async () => {
    repo = await makeTempRepo({});
    await repo.env.writeFile('/testbed/deep/new.py', 'x = 1\n');
    expect(await readFile(join(repo.dir, 'deep/new.py'), 'utf8')).toBe('x = 1\n');
    expect((await repo.env.readFile('/testbed/deep/new.py')).toString()).toBe('x = 1\n');
    await expect(repo.env.readFile('/testbed/nope')).rejects.toBeInstanceOf(FileNotFoundError);
  });

  it('diffs like SWE-agent: staged, untracked files included', async () => {
    repo = await makeTempRepo({ 'a.txt': 'one\n' });
    await repo.env.run('echo two >> a.txt && echo new > b.txt');
    const diff = await repo.env.diff();
    expect(diff).toContain('diff --git a/a.txt b/a.txt');
    expect(diff).toContain('+two');
    expect(diff).toContain('diff --git a/b.txt b/b.txt');
    expect(diff).toContain('new file mode 100644');
  });

  it('runs one-off processes with a working directory, a timeout and an output cap', async () => {
    repo = await makeTempRepo({ 'a.txt': 'x' });
    const listed = await repo.env.exec(['ls'], { cwd: '/testbed' });
    expect(listed.output).toBe('a.txt\n');
    const slow = await repo.env.exec(['sh', '-c', 'sleep 30'], { timeoutS: 0.2 });
    expect(slow.timedOut).toBe(true);
    const big = await repo.env.exec(['sh', '-c', 'head -c 5000 /dev/zero | tr "\\0" a'], { maxOutputBytes: 100 });
    expect(big.truncated).toBe(true);
    expect(big.outputBytes).toBe(5000);
    expect(big.output.length).toBeLessThan(200);
  });

  it('throws EnvironmentUnavailableError once the shell is gone or the environment closed', async () => {
    repo = await makeTempRepo({});
    await expect(repo.env.run('exit 3')).rejects.toBeInstanceOf(EnvironmentUnavailableError);
    await expect(repo.env.run('echo again')).rejects.toBeInstanceOf(EnvironmentUnavailableError);
    await repo.env.close();
    await repo.env.close();
    await expect(repo.env.exec(['true'])).rejects.toBeInstanceOf(EnvironmentUnavailableError);
  });
});
