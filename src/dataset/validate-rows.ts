import type { z } from 'zod';
import { InputError } from '../errors.js';
import type { RawRecord } from './read-records.js';
import { SweBenchInstanceSchema, type SweBenchInstance } from './schema.js';
import { describeZodIssues } from './zod-issues.js';

/** Every record through the row schema; the first bad one or a repeated id is an InputError. */
export function validateRows(records: RawRecord[], schema: z.ZodType<SweBenchInstance> = SweBenchInstanceSchema): SweBenchInstance[] {
  const seen = new Map<string, string>();
  return records.map(({ value, location }) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InputError(`${location}: ${describeZodIssues(parsed.error)}`);
    const id = parsed.data.instance_id;
    const first = seen.get(id);
    if (first !== undefined) {
      throw new InputError(`${location}: duplicate instance_id ${id} (first at ${first})`);
    }
    seen.set(id, location);
    return parsed.data;
  });
}
