/** run.lock: who may take it, what a refusal says, and that release only ever removes our own lock. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireRunLock, RunLockedError } from '../../../src/run-dir/run-lock.js';

const tempRoot = () => path.join(mkdtempSync(path.join(tmpdir(), 'run-lock-')), 'run');
const children: { kill(): boolean }[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

function writeLock(root: string, owner: Record<string, unknown>): string {
  mkdirSync(root, { recursive: true });
  const file = path.join(root, 'run.lock');
  writeFileSync(file, JSON.stringify(owner));
  return file;
}

describe('acquireRunLock', () => {
  it('writes pid, host, start time and command, and release removes it', async () => {
    const root = tempRoot();
    const lock = await acquireRunLock(root, { command: 'run', now: new Date('2026-11-26T14:00:00Z') });
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toEqual({ pid: process.pid, host: hostname(), started_at: '2026-11-26T14:00:00.000Z', command: 'run' });
    expect(lock.tookOverFrom).toBeNull();
    await lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('a second taker in this same process is refused too', async () => {
    const root = tempRoot();
    const lock = await acquireRunLock(root, { command: 'run' });
    await expect(acquireRunLock(root, { command: 'evaluate' })).rejects.toBeInstanceOf(RunLockedError);
    await lock.release();
    await (await acquireRunLock(root, { command: 'evaluate' })).release();
  });

  it('locks of different names (future shards) do not block each other', async () => {
    const root = tempRoot();
    const a = await acquireRunLock(root, { command: 'run', name: 'shard-1-of-2.lock' });
    const b = await acquireRunLock(root, { command: 'run', name: 'shard-2-of-2.lock' });
    expect(a.file).not.toBe(b.file);
    await a.release();
    await b.release();
  });

  it('takes over a lock of a dead pid, or of our own pid from an earlier life, with a notice', async () => {
    const gone = spawnSync('true').pid!;
    for (const pid of [gone, process.pid]) {
      const root = tempRoot();
      writeLock(root, { pid, host: hostname(), started_at: '2026-01-01T00:00:00.000Z', command: 'run' });
      const notices: string[] = [];
      const lock = await acquireRunLock(root, { command: 'run', onNotice: (m) => notices.push(m) });
      expect(lock.tookOverFrom?.pid).toBe(pid);
      expect(notices).toEqual([`sera-eval: took over ${lock.file} from sera-eval run (pid ${pid} on ${hostname()}, since 2026-01-01T00:00:00.000Z), which is no longer running`]);
      await lock.release();
    }
  });

  it('refuses a live owner, another host, or a lock it cannot read, and never removes it', async () => {
    const owner = spawn('sleep', ['30']);
    children.push(owner);
    const cases = [
      { pid: owner.pid, host: hostname(), started_at: 's', command: 'evaluate' },
      { pid: 12345, host: 'elsewhere', started_at: 's', command: 'evaluate' },
      'not json',
    ];
    for (const content of cases) {
      const root = tempRoot();
      mkdirSync(root, { recursive: true });
      const file = path.join(root, 'run.lock');
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      const error = await acquireRunLock(root, { command: 'run' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunLockedError);
      expect(existsSync(file)).toBe(true);
    }
  });

  it('release leaves alone a lock that another process took over meanwhile', async () => {
    const root = tempRoot();
    const lock = await acquireRunLock(root, { command: 'run' });
    writeFileSync(lock.file, JSON.stringify({ pid: 99999, host: 'other', started_at: 'later', command: 'run' }));
    await lock.release();
    expect(existsSync(lock.file)).toBe(true);
  });
});
