import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packTar, unpackTar } from '../../../src/environment/docker/tar.js';

describe('tar', () => {
  it('packs files that GNU tar extracts byte for byte, long names included', () => {
    const longName = `${'n'.repeat(150)}.txt`;
    const binary = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
    const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
    try {
      execFileSync('tar', ['-x', '-C', dir], { input: packTar([{ name: 'a.bin', content: binary }, { name: longName, content: Buffer.from('long\n') }]) });
      expect(Buffer.compare(readFileSync(join(dir, 'a.bin')), binary)).toBe(0);
      expect(readFileSync(join(dir, longName), 'utf8')).toBe('long\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads what GNU tar writes: files, directories, symlinks, long names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
    const longName = `${'x'.repeat(120)}.py`;
    try {
      execFileSync('sh', ['-c', `mkdir d && printf 'abc' > d/${longName} && ln -s d/${longName} link`], { cwd: dir });
      const entries = unpackTar(execFileSync('tar', ['-c', '-C', dir, 'd', 'link']));
      expect(entries).toEqual([
        { kind: 'directory', name: 'd/' },
        { kind: 'file', name: `d/${longName}`, content: Buffer.from('abc') },
        { kind: 'symlink', name: 'link', target: `d/${longName}` },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips through its own reader', () => {
    const [entry] = unpackTar(packTar([{ name: 'empty', content: Buffer.alloc(0) }]));
    expect(entry).toEqual({ kind: 'file', name: 'empty', content: Buffer.alloc(0) });
  });
});
