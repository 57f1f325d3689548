/**
 * The disk pre-flight: before a run starts, compare the free space under each place it will fill
 * (the output root; Docker's data root) with an estimate of what the selection needs, and warn
 * when it is short. Only a warning: the estimate is rough, and a run that does fill the disk stops
 * with a named error and resumes where it stopped.
 */
import { stat, statfs } from 'node:fs/promises';
import path from 'node:path';

export interface SpaceNeed {
  /** e.g. "the output root", "Docker's data root". */
  label: string;
  dir: string;
  bytes: number;
  /** How the estimate was made, shown in the warning. */
  basis: string;
}

export interface DiskProbe {
  /** Free bytes for an unprivileged writer under `dir`. */
  freeBytes(dir: string): Promise<number>;
  /** Which file system holds `dir`, so two needs on one disk are added up. */
  device(dir: string): Promise<number>;
}

export const nodeDiskProbe: DiskProbe = {
  freeBytes: async (dir) => {
    const s = await statfs(await existingAncestor(dir));
    return Number(s.bavail) * Number(s.bsize);
  },
  device: async (dir) => (await stat(await existingAncestor(dir))).dev,
};

/** What every cell of a run may leave in its run directory beyond the test output cap. */
export const CELL_FILES_ALLOWANCE = 1024 ** 2;
/** A rollout's trajectory (every message and observation) on top of that. */
export const TRAJECTORY_ALLOWANCE = 8 * 1024 ** 2;

export function outputNeed(root: string, cells: number, perCellBytes: number, perCellBasis: string): SpaceNeed {
  return { label: 'the output root', dir: root, bytes: cells * perCellBytes, basis: `${cells} cells × ${formatBytes(perCellBytes)} (${perCellBasis})` };
}

/**
 * One warning per file system whose free space is below the needs it holds. A place that cannot
 * be examined (a remote Docker daemon's data root) is left out.
 */
export async function lowSpaceWarnings(needs: readonly SpaceNeed[], probe: DiskProbe = nodeDiskProbe): Promise<string[]> {
  const byDevice = new Map<number | string, SpaceNeed[]>();
  for (const need of needs) {
    const device = await probe.device(need.dir).catch(() => `unknown:${need.dir}`);
    byDevice.set(device, [...(byDevice.get(device) ?? []), need]);
  }
  const warnings: string[] = [];
  for (const group of byDevice.values()) {
    const free = await probe.freeBytes(group[0]!.dir).catch(() => null);
    const needed = group.reduce((sum, n) => sum + n.bytes, 0);
    if (free === null || free >= needed) continue;
    const what = group.map((n) => `${n.label} ${n.dir}: ${formatBytes(n.bytes)} estimated from ${n.basis}`).join('; ');
    warnings.push(
      `warning: ${formatBytes(free)} free on the disk of ${group.map((n) => n.dir).join(' and ')}, below the ${formatBytes(needed)} this selection may need (${what}); ` +
        'if the disk fills, the run stops naming the file (exit 3) and the same command resumes it',
    );
  }
  return warnings;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

async function existingAncestor(dir: string): Promise<string> {
  let current = path.resolve(dir);
  for (;;) {
    try {
      await stat(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}
