import type { SandboxProvider } from '../environment/sandbox-provider.js';
import { sweepTempFiles } from '../run-dir/atomic-write.js';
import type { RunLayout } from '../run-dir/layout.js';
import { acquireRunLock, type RunLock } from '../run-dir/run-lock.js';

/**
 * Make this process the owner of the run directory before anything is written to it: take the lock
 * (a live owner stops us), then clear what a gone owner left: temp files of killed writes and
 * containers labelled with the run id. Holding the lock is what makes removing those safe.
 * @throws RunLockedError naming the live owner
 */
export async function ownRun(layout: RunLayout, sandbox: SandboxProvider, command: string, notice: (line: string) => void): Promise<RunLock> {
  const lock = await acquireRunLock(layout.root, { command, onNotice: notice });
  try {
    const swept = await sweepTempFiles(layout.root);
    if (swept.length > 0) notice(`sera-eval: removed ${swept.length} temporary file(s) left by an interrupted write under ${layout.root}`);
    await sandbox.removeLeftovers();
    return lock;
  } catch (err) {
    await lock.release();
    throw err;
  }
}
