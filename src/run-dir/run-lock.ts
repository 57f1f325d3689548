/**
 * A run directory is owned by one process at a time. The owner holds a lock file naming its pid,
 * host and start time; a second process on the same run stops (exit 3) naming the owner, and a
 * lock whose process is gone (same host, pid not alive) is taken over. The file name is a
 * parameter so that shards of one run can later each hold their own lock.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { HarnessError } from '../errors.js';
import { pidIsAlive } from './atomic-write.js';
import { assertInsideRunDir } from './contained-path.js';
import { asOutputWriteError, errnoOf } from './write-errors.js';

export const LockOwnerSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  started_at: z.string(),
  command: z.string(),
});
export type LockOwner = z.infer<typeof LockOwnerSchema>;

export class RunLockedError extends HarnessError {
  constructor(
    readonly file: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      'run_locked',
      owner
        ? `${path.dirname(file)} is in use by ${describeOwner(owner)}; wait for it to finish or pass another --run-id` +
            (owner.host === os.hostname() ? '' : ` (if that process is gone, delete ${file})`)
        : `${file} exists but does not name its owner; if no sera-eval works on this run, delete it`,
    );
  }
}

/** Lock files this process holds: a lock naming our own pid that is not among them is from an earlier life of that pid. */
const heldHere = new Set<string>();

export interface RunLockOptions {
  /** The command taking the lock, recorded for whoever finds it held. */
  command: string;
  /** @default 'run.lock' */
  name?: string;
  /** @default process.pid */
  pid?: number;
  /** @default os.hostname() */
  host?: string;
  now?: Date;
  isAlive?: (pid: number) => boolean;
  /** Told when a stale lock is taken over. */
  onNotice?: (message: string) => void;
}

export interface RunLock {
  file: string;
  owner: LockOwner;
  /** The previous owner, when its lock was stale and taken over (it left leftovers, maybe). */
  tookOverFrom: LockOwner | null;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

/**
 * @throws RunLockedError when a live process (or one on another host, which cannot be checked) holds it
 * @throws OutputWriteError when the lock cannot be written
 */
export async function acquireRunLock(root: string, options: RunLockOptions): Promise<RunLock> {
  const file = path.join(root, options.name ?? 'run.lock');
  await assertInsideRunDir(root, file);
  const owner: LockOwner = {
    pid: options.pid ?? process.pid,
    host: options.host ?? os.hostname(),
    started_at: (options.now ?? new Date()).toISOString(),
    command: options.command,
  };
  const isAlive = options.isAlive ?? pidIsAlive;
  let tookOverFrom: LockOwner | null = null;
  for (;;) {
    if (await createExclusive(file, `${JSON.stringify(owner)}\n`)) break;
    const holder = await readOwner(file);
    if (holder === undefined) continue; // released between our attempt and the read: try again
    if (holder === null || holder.host !== owner.host) throw new RunLockedError(file, holder);
    // Our own pid in a lock we do not hold: a killed run whose pid came round again (pid 1 in a container).
    const ownPidReused = holder.pid === owner.pid && !heldHere.has(file);
    if (heldHere.has(file) || (!ownPidReused && isAlive(holder.pid))) throw new RunLockedError(file, holder);
    // The holder is gone. Two processes finding the same stale lock in the same instant could both
    // remove it; the window is this read-then-remove, and the loser's link then fails or wins cleanly.
    await rm(file, { force: true });
    tookOverFrom = holder;
    options.onNotice?.(`sera-eval: took over ${file} from ${describeOwner(holder)}, which is no longer running`);
  }
  heldHere.add(file);
  return {
    file,
    owner,
    tookOverFrom,
    release: async () => {
      heldHere.delete(file);
      const holder = await readOwner(file).catch(() => undefined);
      if (holder && holder.pid === owner.pid && holder.host === owner.host && holder.started_at === owner.started_at) {
        await rm(file, { force: true });
      }
    },
  };
}

/** Write the whole lock to a temp file, then link it into place: the lock is never seen half-written. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, content);
    await link(tmp, file);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return false;
    throw asOutputWriteError(err, file);
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** The owner, null when the file says nothing usable, undefined when there is no file. */
async function readOwner(file: string): Promise<LockOwner | null | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = LockOwnerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function describeOwner(owner: LockOwner): string {
  return `sera-eval ${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.started_at})`;
}
