import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { asOutputWriteError } from './write-errors.js';

/** The file-system calls a write makes; tests inject failures (ENOSPC, EACCES, ...) here. */
export interface FileOps {
  mkdir(dir: string, options: { recursive: true }): Promise<unknown>;
  writeFile(file: string, data: string | Buffer): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string, options: { force: true }): Promise<void>;
}

export const nodeFileOps: FileOps = { mkdir, writeFile, rename, rm };

/** `<file>.<pid>.<8 hex>.tmp`: the writer's pid tells a sweep whether its writer may still be at work. */
const TEMP_FILE = /\.(\d+)\.[0-9a-f]{8}\.tmp$/;

function tempFileFor(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Write via a temp file and rename, so a reader (or a resumed run) never sees half a file even
 * when the process is killed mid-write. A failed write removes its temp file and throws
 * OutputWriteError for the machine's I/O failures (disk full, permissions, ...).
 */
export async function writeFileAtomic(file: string, data: string | Buffer, ops: FileOps = nodeFileOps): Promise<void> {
  try {
    await ops.mkdir(path.dirname(file), { recursive: true });
  } catch (err) {
    throw asOutputWriteError(err, path.dirname(file));
  }
  const tmp = tempFileFor(file);
  try {
    await ops.writeFile(tmp, data);
    await ops.rename(tmp, file);
  } catch (err) {
    await ops.rm(tmp, { force: true }).catch(() => undefined);
    throw asOutputWriteError(err, file);
  }
}

export async function writeJsonAtomic(file: string, value: unknown, ops: FileOps = nodeFileOps): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, ops);
}

/**
 * Remove the temp files a killed writer left under `dir` (a kill between write and rename leaves
 * one). Files of a writer that is still alive are kept: another process on this host (a future
 * shard worker of the same run) may be about to rename them.
 * @returns the files removed
 */
export async function sweepTempFiles(
  dir: string,
  isAlive: (pid: number) => boolean = pidIsAlive,
  /** Only entries (relative to dir) this writer owns: a shard worker's pid test says nothing of another host's writers. */
  owns: (entry: string) => boolean = () => true,
): Promise<string[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).map(String);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const pid = TEMP_FILE.exec(entry)?.[1];
    if (pid === undefined || !owns(entry) || isAlive(Number(pid))) continue;
    const file = path.join(dir, entry);
    await rm(file, { force: true });
    removed.push(file);
  }
  return removed;
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
export function pidIsAlive(pid: number): boolean {
  // 0 and negative pids address process groups, not one process
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * Append one line and fsync it. A line is written with a single write call, so a kill leaves at
 * worst one torn last line, which readers of JSONL files skip.
 */
export async function appendLineDurable(file: string, line: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, 'a');
    try {
      await appendFile(handle, `${line}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw asOutputWriteError(err, file);
  }
}
