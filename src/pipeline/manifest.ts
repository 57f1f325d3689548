import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { RunLayout } from '../run-dir/layout.js';
import { RUN_SPEC_FORMAT, RunSpecSchema, type RunSpec, type RunSpecFields } from '../run-dir/run-spec.js';
import { readRunSpec } from '../run-dir/run-spec-file.js';
import { assertSameRun } from './run-identity.js';
import { harnessVersions } from './versions.js';

/**
 * Write run.json: the run spec verbatim, with the versions that answered. A resumed run must be
 * the same run (run-identity.ts: exit 2 naming each run-defining field that changed); it keeps the
 * first creation time and records when it was resumed.
 */
export async function writeRunSpec(layout: RunLayout, fields: RunSpecFields): Promise<RunSpec> {
  const previous = await readResumableSpec(layout);
  const now = new Date().toISOString();
  const spec: RunSpec = RunSpecSchema.parse({
    format: RUN_SPEC_FORMAT,
    ...fields,
    created_at: previous?.created_at ?? now,
    versions: harnessVersions(),
    ...(previous ? { resumed_at: [...(previous.resumed_at ?? []), now] } : {}),
  });
  if (previous) assertSameRun(layout.manifest, previous, spec);
  await layout.writeJson(layout.manifest, spec);
  return spec;
}

/** The run spec of a run directory; null when there is none yet. One that does not parse is an error, never overwritten. */
export async function readRunSpecOf(layout: RunLayout): Promise<RunSpec | null> {
  if (!existsSync(layout.manifest)) return null;
  return (await readRunSpec(layout.manifest)).spec;
}

/**
 * A format-1 run.json is not resumed: it lacks fields that define a run today (request timeout,
 * output cap, dataset revision), so this invocation could not be shown to be the same run.
 */
async function readResumableSpec(layout: RunLayout): Promise<RunSpec | null> {
  if (!existsSync(layout.manifest)) return null;
  const stored = await readRunSpec(layout.manifest);
  if (stored.format === 1) {
    throw new InputError(
      `${layout.manifest}: written by an earlier sera-eval (run.json without "format"); report, compare, nightly and export read it, ` +
        `but it cannot be resumed: its run.json lacks settings that define a run now. Start a new --run-id (finished cells are not reused).`,
    );
  }
  return stored.spec;
}
