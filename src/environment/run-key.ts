/**
 * Which run a sandbox's containers belong to. A run id alone is not enough: two runs with the same
 * id in two output directories (two `demo` runs, the demo test from two checkouts) would take each
 * other's containers for leftovers and remove them. The key hashes the resolved run directory with
 * the id, so a resumed run in the same directory gets the same key (and removes its own leftovers)
 * while the same id elsewhere gets another. It is hex, so it fits any engine's label values
 * (Kubernetes: 63 characters of [A-Za-z0-9._-]).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

/** The run a sandbox provider serves: `id` as the user named it (a shard's own id for a shard), `dir` its run directory. */
export interface SandboxRun {
  id: string;
  dir: string;
}

export const RUN_KEY_HEX_CHARS = 16;

export function runKey(run: SandboxRun): string {
  return createHash('sha256').update(`${path.resolve(run.dir)}\0${run.id}`).digest('hex').slice(0, RUN_KEY_HEX_CHARS);
}
