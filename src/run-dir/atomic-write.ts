import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile, appendFile, open } from 'node:fs/promises';
import path from 'node:path';

/**
 * Write via a temp file and rename, so a reader (or a resumed run) never sees half a file even
 * when the process is killed mid-write.
 */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Append one line and fsync it. A line is written with a single write call, so a kill leaves at
 * worst one torn last line, which readers of JSONL files skip.
 */
export async function appendLineDurable(file: string, line: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'a');
  try {
    await appendFile(handle, `${line}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
