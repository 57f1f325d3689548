/**
 * A run directory as sera-eval wrote it (`demo --sandbox local`, run.json before the run spec has a
 * format version), stored in test/fixtures: report, compare and nightly must keep reading runs
 * written by earlier versions. Its trajectories are left out, as an evaluate run has none.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRunSpec } from '../../../src/pipeline/manifest.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { RunSpecSchema } from '../../../src/run-dir/run-spec.js';
import { readRunSpec } from '../../../src/run-dir/run-spec-file.js';
import { runCli } from '../../support/cli-runner.js';

const STORED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/runs/demo-run-json-v1');
// A checkout gives files arbitrary mtimes; a finished run's report.json is written after its run.json.
const TEMP = mkdtempSync(path.join(tmpdir(), 'stored-run-'));
const RUN = copyOfStored('run');
afterAll(() => rmSync(TEMP, { recursive: true, force: true }));

function copyOfStored(name: string): string {
  const dir = path.join(TEMP, name);
  cpSync(STORED, dir, { recursive: true });
  finishedOrder(dir);
  return dir;
}

function finishedOrder(dir: string): void {
  utimesSync(path.join(dir, 'run.json'), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
  utimesSync(path.join(dir, 'report.json'), new Date('2026-01-01T00:01:00Z'), new Date('2026-01-01T00:01:00Z'));
}

/** The JSON report without its run card, which names the versions that wrote run.json. */
async function reportedNumbers(dir: string): Promise<unknown> {
  const run = await runCli(['report', dir, '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  const { run_card: _card, ...view } = JSON.parse(run.stdout) as Record<string, unknown>;
  return view;
}

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

describe('run.json formats', () => {
  it('a run whose run.json the current code writes (format 2) is reported the same as the stored format-1 one', async () => {
    const v2 = copyOfStored('v2');
    const { spec } = await readRunSpec(path.join(v2, 'run.json'));
    rmSync(path.join(v2, 'run.json'));
    const { format: _format, created_at: _created, versions: _versions, resumed_at: _resumed, ...fields } = spec;
    await writeRunSpec(new RunLayout(v2), fields);
    finishedOrder(v2);
    const written = RunSpecSchema.parse(JSON.parse(readFileSync(path.join(v2, 'run.json'), 'utf8')));
    expect(written.format).toBe('sera-eval.run/2');
    expect(written.benchmark.instances).toContainEqual({ id: 'sera-eval__textwrapx-14', repo: 'sera-eval/textwrapx' });
    expect(await reportedNumbers(v2)).toEqual(await reportedNumbers(RUN));
    const compared = await runCli(['compare', RUN, v2]);
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout).toContain('sera-eval/textwrapx');
    const nightly = await runCli(['nightly', '--baseline', RUN, '--current', v2]);
    expect(nightly.stderr).not.toMatch(/run\.json|not a run directory|expected/);
    expect([0, 1]).toContain(nightly.code);
  });

  it('a run.json of an unknown format is exit 2 naming the file and the field', async () => {
    const future = copyOfStored('future');
    const file = path.join(future, 'run.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), format: 'sera-eval.run/9' }));
    for (const args of [['report', future], ['compare', RUN, future], ['export', future, '--format', 'swebench', '--output', path.join(TEMP, 'export')]]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(`${file}: field format: "sera-eval.run/9" is not a run.json format this sera-eval reads`);
    }
  });

  it('a format-1 run directory is not resumed: exit 2 saying why, run.json untouched', async () => {
    const old = copyOfStored('old');
    const before = readFileSync(path.join(old, 'run.json'), 'utf8');
    const { spec } = await readRunSpec(path.join(old, 'run.json'));
    const { format: _format, created_at: _created, versions: _versions, resumed_at: _resumed, ...fields } = spec;
    await expect(writeRunSpec(new RunLayout(old), fields)).rejects.toThrow(/written by an earlier sera-eval \(run\.json without "format"\).*cannot be resumed/s);
    expect(readFileSync(path.join(old, 'run.json'), 'utf8')).toBe(before);
  });
});
