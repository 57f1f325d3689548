/**
 * The nightly history file: one JSON line per gate run, appended by `nightly --history FILE`
 * and drawn as a trend by the HTML report.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { appendLineDurable } from '../run-dir/atomic-write.js';
import { readJsonlFile } from './read-validated.js';

export const HistoryRateSchema = z.object({
  repo: z.string(),
  context: z.string(),
  mean: z.number().nullable().describe('resolve rate in percent, mean over seeds'),
  std: z.number().nullable(),
  seeds: z.number().int(),
});

export const HistoryEntrySchema = z.object({
  format: z.literal('sera-eval.nightly/1'),
  at: z.string().describe('ISO time the gate ran'),
  run_id: z.string(),
  model: z.string(),
  baseline_run_id: z.string(),
  passed: z.boolean(),
  regressions: z.array(z.string()).describe('"<repo> @ <context>" that failed the gate'),
  not_measured: z.array(z.string()).optional().describe('why the night was not a measurement (the gate failed closed)'),
  rates: z.array(HistoryRateSchema),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export async function readHistory(file: string): Promise<HistoryEntry[]> {
  if (!existsSync(file)) return [];
  return readJsonlFile(file, HistoryEntrySchema, 'a sera-eval.nightly/1 history entry');
}

export async function appendHistory(file: string, entry: HistoryEntry): Promise<void> {
  await appendLineDurable(file, JSON.stringify(HistoryEntrySchema.parse(entry)));
}
