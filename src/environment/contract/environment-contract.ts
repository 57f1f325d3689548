/**
 * The one contract every Environment keeps (STYLE.md §9, after inspect_ai's sandbox self_check):
 * run against every registered sandbox, `local` in the unit lane and `docker` in the integration
 * lane, and against a plugin's own backend by its author (`sera-eval/contract`, needs vitest), so no
 * backend can drift from the others.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Environment } from '../environment.js';
import { EnvironmentUnavailableError, FileNotFoundError } from '../environment.js';
import type { SandboxProvider } from '../sandbox-provider.js';
import { NO_DIMENSION } from '../../run-dir/layout.js';
import { describeSweRexShellFacts } from './swe-rex-shell-facts.js';

/**
 * The repository every contract environment starts in, at /testbed: one commit with README.md.
 * Fixed dates make the commit id the same every time, so images built from it stay cached.
 */
export function createContractRepo(dir: string): void {
  const date = '2024-01-01T00:00:00Z';
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'pipe', env });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), 'hello\n');
  git('add', 'README.md');
  git('-c', 'user.name=contract', '-c', 'user.email=contract@example.invalid', 'commit', '-q', '-m', 'base');
}

export interface ContractSubject {
  /** A fresh environment whose /testbed holds createContractRepo's repository. */
  create(): Promise<Environment>;
}

export function describeEnvironmentContract(name: string, subject: ContractSubject): void {
  describe(`Environment contract: ${name}`, () => {
    let env: Environment;
    beforeEach(async () => {
      env = await subject.create();
    });
    afterEach(async () => {
      await env.close();
    });

    describe("SWE-ReX's session", () => describeSweRexShellFacts(() => env));

    it('keeps the working directory and exported variables between run calls', async () => {
      await env.run('mkdir -p /testbed/sub && cd /testbed/sub && export CONTRACT_VAR=kept');
      const result = await env.run('pwd; echo "$CONTRACT_VAR"');
      expect(result).toMatchObject({ output: '/testbed/sub\nkept\n', exitCode: 0, timedOut: false });
    });

    it('runs multi-line commands with heredocs and commands longer than a terminal line', async () => {
      const heredoc = await env.run("cat > /testbed/multi.txt <<'EOF'\nfirst $HOME\nsecond\nEOF\nwc -l < /testbed/multi.txt");
      expect(heredoc).toMatchObject({ output: '2\n', exitCode: 0 });
      expect((await env.readFile('/testbed/multi.txt')).toString()).toBe('first $HOME\nsecond\n');
      const long = 'y'.repeat(20_000);
      expect((await env.run(`echo ${long} | wc -c`)).output.trim()).toBe('20001');
      // a long line after the first one is typed while bash reads the heredoc
      const body = 'z'.repeat(10_000);
      expect((await env.run(`cat > /testbed/long.txt <<'EOF'\n${body}\n${body}\nEOF\nwc -c < /testbed/long.txt`)).output).toBe('20002\n');
    });

    it('reports exit codes as data', async () => {
      expect((await env.run('(exit 42)')).exitCode).toBe(42);
      expect((await env.run('echo fine')).exitCode).toBe(0);
      expect((await env.run('no-such-command-xyz')).exitCode).toBe(127);
    });

    it('gives commands the terminal as stdin, so one waiting for input runs into its timeout (SWE-ReX)', async () => {
      const result = await env.run('cat; echo not-reached', { timeoutS: 1 });
      expect(result).toMatchObject({ timedOut: true });
      expect(result.output).not.toContain('not-reached');
      expect((await env.run('echo next')).output).toBe('next\n');
    });

    it('interrupts a command at its timeout and keeps the shell usable with its state', async () => {
      await env.run('cd /testbed && export AFTER_TIMEOUT=yes');
      const started = Date.now();
      const result = await env.run('sleep 60; echo not-reached', { timeoutS: 0.2 });
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).not.toBe(0);
      expect(result.output).not.toContain('not-reached');
      expect(Date.now() - started).toBeLessThan(20_000);
      const next = await env.run('pwd; echo "$AFTER_TIMEOUT"');
      expect(next).toMatchObject({ output: '/testbed\nyes\n', exitCode: 0, timedOut: false });
    });

    it('decodes shell output as UTF-8 with invalid bytes as \\xNN, as SWE-ReX showed SERA', async () => {
      const result = await env.run("printf 'caf\\xc3\\xa9 \\xff\\xfe end\\n'");
      expect(result.output).toBe('café \\xff\\xfe end\n');
    });

    it('gives a command no positional parameters', async () => {
      const result = await env.run('echo "[$#][$1]"');
      expect(result.output).toBe('[0][]\n');
    });

    it('merges stderr into run output', async () => {
      const result = await env.run('echo to-stderr >&2');
      expect(result.output).toBe('to-stderr\n');
    });

    it('runs exec as a fresh process with its exit code and output', async () => {
      await env.run('cd / && export SHELL_ONLY=1');
      const result = await env.exec(['bash', '-c', 'pwd; echo "[$SHELL_ONLY]"; exit 3']);
      expect(result).toMatchObject({ output: '/testbed\n[]\n', exitCode: 3, timedOut: false, truncated: false });
    });

    it('times exec out', async () => {
      const result = await env.exec(['sleep', '60'], { timeoutS: 0.2 });
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).not.toBe(0);
    });

    it('round-trips text and binary files, creating nested directories', async () => {
      const binary = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));
      await env.writeFile('/testbed/deep/er/still/file.bin', binary);
      await env.writeFile('/testbed/notes.txt', 'línea uno\nline two\n');
      expect(Buffer.compare(await env.readFile('/testbed/deep/er/still/file.bin'), binary)).toBe(0);
      expect((await env.readFile('/testbed/notes.txt')).toString('utf8')).toBe('línea uno\nline two\n');
      expect((await env.run('wc -c < /testbed/deep/er/still/file.bin')).output.trim()).toBe('256');
    });

    it('overwrites an existing file', async () => {
      await env.writeFile('/testbed/README.md', 'replaced\n');
      expect((await env.readFile('/testbed/README.md')).toString()).toBe('replaced\n');
    });

    it('throws FileNotFoundError for a missing file', async () => {
      await expect(env.readFile('/testbed/does/not/exist.txt')).rejects.toBeInstanceOf(FileNotFoundError);
    });

    it('diffs tracked changes and untracked files against HEAD', async () => {
      await env.writeFile('/testbed/README.md', 'hello\nworld\n');
      await env.run('echo "print(1)" > /testbed/repro.py');
      const patch = await env.diff();
      expect(patch).toContain('diff --git a/README.md b/README.md');
      expect(patch).toContain('+world');
      expect(patch).toContain('diff --git a/repro.py b/repro.py');
      expect(patch).toContain('+print(1)');
    });

    it('diffs to an empty string when nothing changed', async () => {
      expect(await env.diff()).toBe('');
    });

    it('can be closed twice, and refuses work afterwards', async () => {
      await env.close();
      await env.close();
      await expect(env.run('true')).rejects.toBeInstanceOf(EnvironmentUnavailableError);
    });
  });
}

export interface SandboxContractSubject {
  /** A provider of the backend under test, made by its factory. */
  provider(): SandboxProvider | Promise<SandboxProvider>;
  /** An image whose /testbed holds createContractRepo's repository, as this backend names images. */
  image: string;
}

/** The Environment contract over environments a SandboxProvider starts, as the pipeline starts them. */
export function describeSandboxContract(name: string, subject: SandboxContractSubject): void {
  let started = 0;
  describeEnvironmentContract(`sandbox ${name}`, {
    create: async () => {
      const provider = await subject.provider();
      await provider.prepareImage(subject.image);
      started += 1;
      return provider.start({
        image: subject.image,
        cell: { instanceId: `contract__repo-${started}`, context: NO_DIMENSION, seed: NO_DIMENSION },
        purpose: 'rollout',
        attempt: 1,
      });
    },
  });
}
