import type { SandboxProvider } from '../environment/sandbox-provider.js';
import { errorMessage } from '../errors.js';
import { sweepTempFiles } from '../run-dir/atomic-write.js';
import { lowSpaceWarnings, nodeDiskProbe, outputNeed, type DiskProbe } from '../run-dir/disk-space.js';
import type { RunLayout } from '../run-dir/layout.js';
import { acquireRunLock } from '../run-dir/run-lock.js';

/** What the run will write, for the disk pre-flight. */
export interface SpacePlan {
  images: readonly string[];
  cells: number;
  perCellBytes: number;
  /** What the per-cell allowance is made of, shown in the warning. */
  perCellBasis: string;
  containersAtOnce: number;
}

export interface OwnedRun {
  /** Give the run directory up (call it in `finally`, once every cell has settled). */
  release(): Promise<void>;
}

/**
 * Make this process the owner of the run directory before anything is written to it: take the lock
 * (a live owner stops us), then clear what a gone owner left: temp files of killed writes and
 * containers labelled with the run id. Holding the lock is what makes removing those safe. Last,
 * warn when the disks look too small for the plan.
 * @throws RunLockedError naming the live owner
 */
export async function ownRun(
  layout: RunLayout,
  sandbox: SandboxProvider,
  command: string,
  notice: (line: string) => void,
  space: SpacePlan,
  probe: DiskProbe = nodeDiskProbe,
): Promise<OwnedRun> {
  const lock = await acquireRunLock(layout.root, { command, onNotice: notice, name: layout.lockName });
  try {
    const swept = await sweepTempFiles(layout.root, undefined, (entry) => layout.owns(entry));
    if (swept.length > 0) notice(`sera-eval: removed ${swept.length} temporary file(s) left by an interrupted write under ${layout.root}`);
    await sandbox.removeLeftovers();
    const sandboxNeed = (await sandbox.storageNeed?.(space.images, space.containersAtOnce)) ?? null;
    const needs = [outputNeed(layout.root, space.cells, space.perCellBytes, space.perCellBasis), ...(sandboxNeed ? [sandboxNeed] : [])];
    for (const warning of await lowSpaceWarnings(needs, probe)) notice(`sera-eval: ${warning}`);
  } catch (err) {
    await lock.release();
    throw err;
  }
  return {
    release: async () => {
      // A create the killed owner had sent can complete after our first sweep (the daemon finishes it
      // without its client): once all our cells have settled, the run's label marks only such orphans.
      if (lock.tookOverFrom) {
        await sandbox.removeLeftovers().catch((err: unknown) => notice(`sera-eval: could not remove leftover containers: ${errorMessage(err)}`));
      }
      await lock.release();
    },
  };
}
