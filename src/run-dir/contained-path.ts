/**
 * The last line of defence behind the id rule (path-id.ts): a file written for a run must resolve,
 * symlinks included, to a place inside the run directory.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from '../errors.js';

export class OutsideRunDirError extends HarnessError {
  constructor(readonly file: string, readonly root: string) {
    super('outside_run_dir', `refused to write ${file}: it resolves outside the run directory ${root}`);
  }
}

/** @throws OutsideRunDirError when `file` (after resolving `..` and symlinks) is not below `root` */
export async function assertInsideRunDir(root: string, file: string): Promise<void> {
  const lexicalRoot = path.resolve(root);
  const lexicalFile = path.resolve(lexicalRoot, file);
  if (!isBelow(lexicalRoot, lexicalFile)) throw new OutsideRunDirError(file, root);
  const realRoot = await realpathOfExisting(lexicalRoot);
  const realFile = await realpathOfExisting(lexicalFile);
  if (!isBelow(realRoot, realFile)) throw new OutsideRunDirError(file, root);
}

function isBelow(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative);
}

/** realpath of the longest existing prefix, with the rest (not created yet) appended. */
async function realpathOfExisting(target: string): Promise<string> {
  try {
    return await realpath(target);
  } catch {
    const parent = path.dirname(target);
    if (parent === target) return target;
    return path.join(await realpathOfExisting(parent), path.basename(target));
  }
}
