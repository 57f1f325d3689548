/**
 * Every write under a run directory: refused outside it, atomic, and the machine's I/O failures
 * (injected through the FileOps seam: tests run as root, where chmod does not stop a write) turned
 * into one-line OutputWriteErrors with nothing half-written and no temp file left.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileOps, sweepTempFiles, type FileOps } from '../../../src/run-dir/atomic-write.js';
import { OutsideRunDirError } from '../../../src/run-dir/contained-path.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { OutputWriteError } from '../../../src/run-dir/write-errors.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'run-dir-writes-'));
const filesUnder = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

function errnoError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/** Real file-system calls, except that writing file data fails with `code` after writing half of it. */
function failingWrites(code: string): FileOps {
  return {
    ...nodeFileOps,
    writeFile: async (file, data) => {
      await nodeFileOps.writeFile(file, data.slice(0, Math.floor(data.length / 2)));
      throw errnoError(code);
    },
  };
}

describe('RunLayout.writeFile keeps every write inside the run directory', () => {
  it('refuses a path that climbs out, and writes nothing', async () => {
    const dir = tempDir();
    const layout = new RunLayout(path.join(dir, 'run'));
    const escaping = layout.instanceReport({ instanceId: '../../../../escaped', context: '-', seed: '-' });
    await expect(layout.writeFile(escaping, 'x')).rejects.toBeInstanceOf(OutsideRunDirError);
    await expect(layout.writeFile(path.join(dir, 'run'), 'x')).rejects.toBeInstanceOf(OutsideRunDirError);
    expect(existsSync(path.join(dir, 'escaped'))).toBe(false);
    expect(filesUnder(dir)).toEqual([]);
  });

  it('refuses a path that leaves through a symlink inside the run directory', async () => {
    const dir = tempDir();
    const outside = path.join(dir, 'outside');
    mkdirSync(outside);
    mkdirSync(path.join(dir, 'run', 'evaluation'), { recursive: true });
    symlinkSync(outside, path.join(dir, 'run', 'evaluation', '-'));
    const layout = new RunLayout(path.join(dir, 'run'));
    await expect(layout.writeFile(layout.patch({ instanceId: 'a__b-1', context: '-', seed: '-' }), 'x')).rejects.toThrow(/outside the run directory/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('writes inside it, creating folders', async () => {
    const layout = new RunLayout(path.join(tempDir(), 'run'));
    const file = layout.patch({ instanceId: 'a__b-1', context: '32k', seed: '1' });
    await layout.writeJson(file, { a: 1 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ a: 1 });
  });
});

describe('I/O failures while writing', () => {
  it.each([
    ['ENOSPC', 'disk_full', 'no space left on device'],
    ['EACCES', 'permission_denied', 'permission denied'],
    ['EROFS', 'read_only_file_system', 'read-only file system'],
    ['EMFILE', 'too_many_open_files', 'too many open files'],
  ])('%s: one line naming the path and what to do, the old file intact, no temp file', async (errno, code, what) => {
    const root = path.join(tempDir(), 'run');
    const file = path.join(root, 'report.json');
    await new RunLayout(root).writeFile(file, 'the finished report\n');
    const error = await new RunLayout(root, failingWrites(errno)).writeFile(file, 'a new report that is cut in half').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputWriteError);
    const { message } = error as OutputWriteError;
    expect((error as OutputWriteError).code).toBe(code);
    expect(message).toContain(`cannot write ${file}: ${what} (${errno})`);
    expect(message).toContain('run the same command again to resume');
    expect(message).not.toContain('\n');
    expect(readFileSync(file, 'utf8')).toBe('the finished report\n');
    expect(filesUnder(root)).toEqual(['report.json']);
  });

  it('a path under a file (ENOTDIR, real, no seam) names the folder', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a-file'), '');
    const root = path.join(dir, 'a-file', 'run');
    const error = await new RunLayout(root).writeFile(path.join(root, 'run.json'), '{}').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as Error).message).toContain(`cannot write ${root}`);
  });

  it('an error that is not the machine refusing the write passes through unchanged', async () => {
    const root = path.join(tempDir(), 'run');
    const bug = new TypeError('not a buffer');
    const ops: FileOps = { ...nodeFileOps, writeFile: async () => Promise.reject(bug) };
    await expect(new RunLayout(root, ops).writeFile(path.join(root, 'x'), 'x')).rejects.toBe(bug);
    expect(filesUnder(root)).toEqual([]);
  });
});

describe('sweepTempFiles', () => {
  it('removes the temp files of writers that are gone and keeps those of a live writer', async () => {
    const root = tempDir();
    const gone = spawnSync('true').pid!;
    mkdirSync(path.join(root, 'evaluation', '-', '-', 'a__b-1'), { recursive: true });
    const dead = path.join(root, 'evaluation', '-', '-', 'a__b-1', `report.json.${gone}.0123abcd.tmp`);
    const live = path.join(root, `report.json.${process.pid}.89abcdef.tmp`);
    const kept = path.join(root, 'notes.tmp');
    for (const file of [dead, live, kept]) writeFileSync(file, 'partial');
    expect(await sweepTempFiles(root)).toEqual([dead]);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(kept)).toBe(true);
  });
});
