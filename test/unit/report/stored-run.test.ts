/**
 * A run directory as sera-eval wrote it (`demo --sandbox local`, run.json before the run spec has a
 * format version), stored in test/fixtures: report, compare and nightly must keep reading runs
 * written by earlier versions. Its trajectories are left out, as an evaluate run has none.
 */
import { cpSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-runner.js';

const STORED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/runs/demo-run-json-v1');
// A checkout gives files arbitrary mtimes; a finished run's report.json is written after its run.json.
const RUN = path.join(mkdtempSync(path.join(tmpdir(), 'stored-run-')), 'run');
cpSync(STORED, RUN, { recursive: true });
utimesSync(path.join(RUN, 'run.json'), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
utimesSync(path.join(RUN, 'report.json'), new Date('2026-01-01T00:01:00Z'), new Date('2026-01-01T00:01:00Z'));
afterAll(() => rmSync(path.dirname(RUN), { recursive: true, force: true }));

describe('a stored run from an earlier version', () => {
  it('is reported: the same numbers it was written with, per repository', async () => {
    const run = await runCli(['report', RUN, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const view = JSON.parse(run.stdout);
    expect(JSON.stringify(view)).toContain('sera-eval/csvkit-lite');
    const table = await runCli(['report', RUN]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/All\s+│\s+4\s+│\s+50\.00 \[2\/4\]/);
  });

  it('is compared and gated against itself', async () => {
    const compared = await runCli(['compare', RUN, RUN]);
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout).toContain('sera-eval/textwrapx');
    const nightly = await runCli(['nightly', '--baseline', RUN, '--current', RUN]);
    expect(nightly.stderr).not.toMatch(/run\.json|not a run directory|expected/);
    // four instances measure nothing significant either way; what matters is that the run is read
    expect([0, 1]).toContain(nightly.code);
    expect(nightly.stdout).toContain('32k');
  });
});
