/**
 * The one rule for every id that becomes part of a path or a container name: instance ids (from a
 * dataset, a predictions file, `--instances` or a trajectory), run ids, context and seed labels.
 * Checked where each is read, so a row whose id is `../../tmp/x` is bad input (exit 2), never a
 * file written outside the run directory.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { NO_DIMENSION } from './layout.js';

const PATH_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const PATH_ID_EXPECTED =
  "expected letters, digits, '_', '.' or '-', starting with a letter or digit, at most 128 characters (it names folders and containers)";

export function isPathId(value: string): boolean {
  return PATH_ID.test(value);
}

export const PathIdSchema = z.string().refine(isPathId, { message: PATH_ID_EXPECTED });

/** A context or seed label: an id, or `-`, evaluate's "no context / no seed", a folder name of its own. */
export const PathLabelSchema = z
  .string()
  .refine((value) => value === NO_DIMENSION || isPathId(value), { message: `${PATH_ID_EXPECTED}, or '${NO_DIMENSION}'` });

/** @throws InputError `<where>: "<value>" is not usable; expected ...` */
export function checkPathId(value: string, where: string): string {
  if (!isPathId(value)) throw new InputError(`${where}: ${JSON.stringify(value)} is not usable; ${PATH_ID_EXPECTED}`);
  return value;
}
