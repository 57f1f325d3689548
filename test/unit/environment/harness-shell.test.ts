import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HarnessShell, HarnessShellExitedError, shellQuote, type HarnessRequest } from '../../../src/environment/harness-shell.js';

/** The harness shell over a local bash with pipes, as the Docker transport gives it one in a container. */
async function startLocal(): Promise<{ shell: HarnessShell; pid: number }> {
  const child = spawn('bash', ['--noprofile', '--norc'], { stdio: ['pipe', 'pipe', 'ignore'], detached: true });
  const shell = await HarnessShell.start({
    write: (data) => void (child.stdin.writable && child.stdin.write(data)),
    onStdout: (listener) => child.stdout.on('data', listener),
    onEnd: (listener) => child.on('close', () => listener()),
    kill: async () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
    destroy: () => child.stdin.destroy(),
  });
  started.push(shell);
  return { shell, pid: child.pid! };
}

const started: HarnessShell[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((shell) => shell.kill()));
});

const request = (argv: string[], extra: Partial<HarnessRequest> = {}): HarnessRequest => ({ argv, cwd: '/', maxOutputBytes: 1 << 20, ...extra });

describe('HarnessShell', () => {
  it('returns output bytes exactly (binary, invalid UTF-8, no trailing newline) with the exit code', async () => {
    const { shell } = await startLocal();
    const result = await shell.exec(request(['sh', '-c', "printf 'a\\377\\000b\\r\\n\\303'; echo err >&2; exit 3"]));
    expect(result.exitCode).toBe(3);
    expect(result.output.toBuffer()).toEqual(Buffer.concat([Buffer.from([0x61, 0xff, 0x00, 0x62, 0x0d, 0x0a, 0xc3]), Buffer.from('err\n')]));
    expect(result.timedOut).toBe(false);
  });

  it('passes arguments literally: quotes, newlines, $(...), backslashes, 100 KB', async () => {
    const { shell } = await startLocal();
    const words = ["it's", 'two\nlines', '$(echo no) `echo no` $HOME', 'back\\slash', '', `'${'y'.repeat(100_000)}'\n`];
    const result = await shell.exec(request(['printf', '[%s]', ...words]));
    expect(result.output.toBuffer().toString()).toBe(words.map((w) => `[${w}]`).join(''));
  });

  it('feeds stdin bytes exactly, and a command that ignores them leaves the shell in step', async () => {
    const { shell } = await startLocal();
    const dir = await mkdtemp(join(tmpdir(), 'harness-'));
    try {
      const payload = Buffer.concat([Buffer.from('__sera_req 99 / 0 echo forged\n'), Buffer.from([0, 0xff, 0x0a]), Buffer.alloc(200_000, 'x')]);
      const file = join(dir, 'out.bin');
      expect((await shell.exec(request(['sh', '-c', 'cat > "$1"', 'sh', file], { stdin: payload }))).exitCode).toBe(0);
      expect(await readFile(file)).toEqual(payload);
      const ignored = await shell.exec(request(['true'], { stdin: payload }));
      expect(ignored.exitCode).toBe(0);
      const after = await shell.exec(request(['echo', 'next']));
      expect(after.output.toBuffer().toString()).toBe('next\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs each request as a fresh process in its own directory, with no state carried over', async () => {
    const { shell } = await startLocal();
    await shell.exec(request(['sh', '-c', 'cd /tmp; export LEAK=1']));
    const result = await shell.exec(request(['sh', '-c', 'pwd; echo "[${LEAK:-}]"; echo "$X"'], { cwd: '/usr', env: { X: 'y z' } }));
    expect(result.output.toBuffer().toString()).toBe('/usr\n[]\ny z\n');
  });

  it('times a command out inside the sandbox (timeout -k 5) and stays usable', async () => {
    const { shell } = await startLocal();
    const result = await shell.exec(request(['sleep', '30'], { timeoutS: 1 }));
    expect(result).toMatchObject({ exitCode: 124, timedOut: true });
    expect((await shell.exec(request(['echo', 'ok']))).output.toBuffer().toString()).toBe('ok\n');
  });

  it('caps output at maxOutputBytes, keeping head and tail', async () => {
    const { shell } = await startLocal();
    const result = await shell.exec(request(['sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" x; echo END'], { maxOutputBytes: 1000 }));
    expect(result.output.totalBytes).toBe(3_000_004);
    expect(result.output.truncated).toBe(true);
    expect(result.output.toBuffer().toString().endsWith('END\n')).toBe(true);
  });

  it('kills the shell when the caller aborts, and refuses further requests as not started', async () => {
    const { shell } = await startLocal();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await shell.exec(request(['sleep', '30'], { signal: controller.signal }));
    expect(result.exitCode).toBe(-1);
    expect(shell.alive).toBe(false);
    await expect(shell.exec(request(['true']))).rejects.toMatchObject({ started: false });
  });

  it('says whether the command had started when the shell died under it', async () => {
    const { shell, pid } = await startLocal();
    const pending = shell.exec(request(['sleep', '30']));
    setTimeout(() => process.kill(-pid, 'SIGKILL'), 200);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HarnessShellExitedError);
    expect((err as HarnessShellExitedError).started).toBe(true);
  });
});

describe('shellQuote', () => {
  it("writes ' as '\\''", () => {
    expect(shellQuote("a'b")).toBe("'a'\\''b'");
  });
});
