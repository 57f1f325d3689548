import { readFile } from 'node:fs/promises';
import type { RunLayout } from '../run-dir/layout.js';
import { RunManifestSchema, type RunManifest } from '../run-dir/schemas.js';
import { harnessVersions } from './versions.js';

export type ManifestFields = Pick<
  RunManifest,
  'run_id' | 'command' | 'dataset' | 'filters' | 'instance_ids' | 'model_name_or_path' | 'contexts' | 'seeds'
> &
  Record<string, unknown>;

/**
 * Write run.json: what was asked and the versions that answered. A resumed run keeps the first
 * creation time and records when it was resumed.
 */
export async function writeManifest(layout: RunLayout, fields: ManifestFields): Promise<RunManifest> {
  const previous = await readManifest(layout);
  const now = new Date().toISOString();
  const manifest: RunManifest = {
    ...fields,
    created_at: previous?.created_at ?? now,
    versions: harnessVersions(),
    ...(previous ? { resumed_at: [...resumedAt(previous), now] } : {}),
  };
  await layout.writeJson(layout.manifest, manifest);
  return manifest;
}

export async function readManifest(layout: RunLayout): Promise<RunManifest | null> {
  try {
    const parsed = RunManifestSchema.safeParse(JSON.parse(await readFile(layout.manifest, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function resumedAt(manifest: RunManifest): string[] {
  const value = (manifest as Record<string, unknown>).resumed_at;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
