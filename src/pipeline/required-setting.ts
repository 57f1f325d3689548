import { InputError } from '../errors.js';

/**
 * A spec setting the pipeline needs. Only a run.json converted from format 1 lacks one, and such a
 * run is read for reports, never run: say which field, not crash on a null.
 */
export function requiredSetting<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new InputError(`run spec field ${field}: not set; expected it for running (a run.json from an earlier sera-eval is for reading only)`);
  return value;
}
