import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InputError, errorMessage } from '../errors.js';
import { describeIssues } from '../report/read-validated.js';
import type { RunLayout } from '../run-dir/layout.js';
import { RunManifestSchema, type RunManifest } from '../run-dir/schemas.js';
import { assertSameRun } from './run-identity.js';
import { harnessVersions } from './versions.js';

export type ManifestFields = Omit<RunManifest, 'created_at' | 'versions' | 'resumed_at'>;

/**
 * Write run.json: what was asked and the versions that answered. A resumed run must be the same
 * run (run-identity.ts: exit 2 naming each run-defining field that changed); it keeps the first
 * creation time and records when it was resumed.
 */
export async function writeManifest(layout: RunLayout, fields: ManifestFields): Promise<RunManifest> {
  const previous = await readManifest(layout);
  const now = new Date().toISOString();
  const manifest: RunManifest = RunManifestSchema.parse({
    ...fields,
    created_at: previous?.created_at ?? now,
    versions: harnessVersions(),
    ...(previous ? { resumed_at: [...(previous.resumed_at ?? []), now] } : {}),
  });
  if (previous) assertSameRun(layout.manifest, previous, manifest);
  await layout.writeJson(layout.manifest, manifest);
  return manifest;
}

/** The run.json of a run directory; null when there is none yet. One that does not parse is an error, never overwritten. */
export async function readManifest(layout: RunLayout): Promise<RunManifest | null> {
  if (!existsSync(layout.manifest)) return null;
  let value: unknown;
  try {
    value = JSON.parse(await readFile(layout.manifest, 'utf8'));
  } catch (err) {
    throw new InputError(`${layout.manifest}: not valid JSON (${errorMessage(err)}); expected a run manifest (run.json)`);
  }
  const parsed = RunManifestSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${layout.manifest}: ${describeIssues(parsed.error)}; expected a run manifest (run.json)`);
  return parsed.data;
}
