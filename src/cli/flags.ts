/**
 * zod pieces for command-line flags. Commander hands us strings; these schemas turn them into typed
 * values and say which flag was wrong and what it expects (exit 2, nothing run).
 */
import os from 'node:os';
import { z } from 'zod';
import { InputError } from '../errors.js';

export const csvList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0));

export const positiveInt = z.coerce.number().int().positive();

/** `32k` → 32768, `64k` → 65536, or a plain token count like `40960`. */
const ContextSchema = z.string().transform((raw, ctx) => {
  const m = /^(\d+)(k)?$/i.exec(raw.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not a context length; expected e.g. 32k, 64k or 40960` });
    return z.NEVER;
  }
  const tokens = m[2] ? Number(m[1]) * 1024 : Number(m[1]);
  if (tokens <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not a context length; expected a positive length, e.g. 32k` });
    return z.NEVER;
  }
  return { name: m[2] ? `${m[1]}k` : String(tokens), tokens };
});
/** A `--context` entry: its label and its token count. */
export type ContextLength = z.infer<typeof ContextSchema>;

/** A repeated value would run the same cells twice and count them as independent. */
function noDuplicates<T>(key: (value: T) => string) {
  return (values: T[], ctx: z.RefinementCtx): void => {
    const seen = new Set<string>();
    for (const value of values) {
      const k = key(value);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `${k} is given twice; each value may appear once` });
      seen.add(k);
    }
  };
}

export const contextList = csvList.pipe(z.array(ContextSchema).min(1).superRefine(noDuplicates((c) => c.name)));

export const seedList = csvList.pipe(
  z.array(z.string().regex(/^\d+$/, 'expected a whole number').transform(Number)).min(1).superRefine(noDuplicates(String)),
);

export const ShardSchema = z.string().transform((raw, ctx) => {
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not a shard; expected I/N with 1 ≤ I ≤ N, e.g. 2/4` });
    return z.NEVER;
  }
  return { index: index - 1, count };
});

/** `4g`, `512m`, or bytes. */
export const ByteSizeSchema = z.string().transform((raw, ctx) => {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(raw.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not a size; expected e.g. 4g, 512m` });
    return z.NEVER;
  }
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * unit);
});

export function defaultWorkers(): number {
  // the official harness's advice: fewer than min(0.75 × cores, 24) grading workers
  return Math.max(1, Math.min(Math.floor(os.availableParallelism() * 0.75), 24));
}

/** Parse flags with a schema; a failure names the flag (--kebab-case) and what it expects. */
export function parseFlags<S extends z.ZodType>(schema: S, raw: unknown, command: string): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = issue.path[0];
    const flag = typeof key === 'string' ? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'arguments';
    return `  ${flag}: ${issue.message}`;
  });
  throw new InputError(`sera-eval ${command}: invalid flags\n${lines.join('\n')}`);
}
