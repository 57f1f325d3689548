import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_DIR,
  baseCommitOf,
  demoRepoSourceDir,
  materializeRepo,
  syncDemoBaseCommits,
} from '../../../src/benchmarks/demo/demo-repo.js';
import { InputError } from '../../../src/errors.js';

let scratch = '';
beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sera-eval-demo-repo-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function writeSource(dir: string): void {
  mkdirSync(path.join(dir, 'pkg'), { recursive: true });
  writeFileSync(path.join(dir, 'pkg', '__init__.py'), 'VALUE = 1\n');
  writeFileSync(path.join(dir, '.gitignore'), '__pycache__/\n');
}

describe('materializeRepo', () => {
  it('makes one "Initial commit" on main with a fixed identity and date', async () => {
    const src = path.join(scratch, 'src');
    writeSource(src);
    const dest = path.join(scratch, 'repo');
    const sha = await materializeRepo(src, dest);
    expect(git(dest, ['rev-parse', 'HEAD'])).toBe(sha);
    expect(git(dest, ['branch', '--show-current'])).toBe('main');
    expect(git(dest, ['log', '--format=%an <%ae> %aI|%cn <%ce> %cI|%s'])).toBe(
      'sera-eval <demo@sera-eval.invalid> 2026-01-01T00:00:00+00:00|sera-eval <demo@sera-eval.invalid> 2026-01-01T00:00:00+00:00|Initial commit',
    );
    expect(git(dest, ['ls-files']).split('\n').sort()).toEqual(['.gitignore', 'pkg/__init__.py']);
  });

  it('gives the same sha whatever the modes, caches and time of the copy', async () => {
    const src = path.join(scratch, 'src');
    writeSource(src);
    const first = await materializeRepo(src, path.join(scratch, 'a'));

    chmodSync(path.join(src, 'pkg', '__init__.py'), 0o755);
    mkdirSync(path.join(src, 'pkg', '__pycache__'));
    writeFileSync(path.join(src, 'pkg', '__pycache__', '__init__.cpython-311.pyc'), 'bytecode');
    mkdirSync(path.join(src, '.pytest_cache'));
    writeFileSync(path.join(src, '.pytest_cache', 'README.md'), 'cache');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await materializeRepo(src, path.join(scratch, 'b'))).toBe(first);

    writeFileSync(path.join(src, 'pkg', '__init__.py'), 'VALUE = 2\n');
    expect(await materializeRepo(src, path.join(scratch, 'c'))).not.toBe(first);
  });

  it('names a source directory that does not exist', async () => {
    await expect(materializeRepo(path.join(scratch, 'nope'), path.join(scratch, 'repo'))).rejects.toThrow(
      /nope: not a directory of demo repository files/,
    );
  });

  it('refuses a destination that already has files', async () => {
    const src = path.join(scratch, 'src');
    writeSource(src);
    const dest = path.join(scratch, 'busy');
    mkdirSync(dest);
    writeFileSync(path.join(dest, 'keep.txt'), 'mine');
    await expect(materializeRepo(src, dest)).rejects.toThrow(InputError);
    expect(readFileSync(path.join(dest, 'keep.txt'), 'utf8')).toBe('mine');
  });
});

describe('demoRepoSourceDir', () => {
  it('maps sera-eval/<name> into datasets/demo/repos and rejects other repositories', () => {
    expect(demoRepoSourceDir('sera-eval/textwrapx')).toBe(path.join(DEMO_DIR, 'repos', 'textwrapx'));
    expect(() => demoRepoSourceDir('django/django')).toThrow(/not a demo repository/);
    expect(() => demoRepoSourceDir('sera-eval/../etc')).toThrow(InputError);
  });
});

describe('syncDemoBaseCommits', () => {
  function copyDemo(): string {
    const demoDir = path.join(scratch, 'demo');
    cpSync(DEMO_DIR, demoDir, { recursive: true });
    return demoDir;
  }

  it('reports nothing for the shipped dataset', async () => {
    expect(await syncDemoBaseCommits({ demoDir: copyDemo(), write: false })).toEqual([]);
  });

  it('lists and rewrites stale shas after a repository is edited, keeping every other field', async () => {
    const demoDir = copyDemo();
    const datasetPath = path.join(demoDir, 'demo.jsonl');
    const before = readFileSync(datasetPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const edited = before.find((row) => row.repo === 'sera-eval/intervals');
    expect(edited).toBeDefined();
    writeFileSync(path.join(demoDir, 'repos', 'intervals', 'NOTES.md'), 'an edit\n');
    const newSha = await baseCommitOf(path.join(demoDir, 'repos', 'intervals'));

    const reported = await syncDemoBaseCommits({ demoDir, write: false });
    expect(reported).toEqual([
      { instance_id: edited?.instance_id, field: 'base_commit', from: edited?.base_commit, to: newSha },
      { instance_id: edited?.instance_id, field: 'environment_setup_commit', from: edited?.base_commit, to: newSha },
    ]);
    expect(readFileSync(datasetPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line))).toEqual(before);

    await syncDemoBaseCommits({ demoDir, write: true });
    const after = readFileSync(datasetPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(after).toEqual(
      before.map((row) => (row === edited ? { ...row, base_commit: newSha, environment_setup_commit: newSha } : row)),
    );
    expect(await syncDemoBaseCommits({ demoDir, write: false })).toEqual([]);
  });

  it('names the line and field of a row it cannot use', async () => {
    const demoDir = copyDemo();
    const datasetPath = path.join(demoDir, 'demo.jsonl');
    writeFileSync(datasetPath, readFileSync(datasetPath, 'utf8') + '{"instance_id":"x","repo":"django/django","base_commit":"","environment_setup_commit":""}\n');
    await expect(syncDemoBaseCommits({ demoDir, write: false })).rejects.toThrow(/demo\.jsonl:\d+: field repo: expected sera-eval\/<name>/);
  });
});
