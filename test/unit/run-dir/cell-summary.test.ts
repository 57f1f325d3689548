import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { cellSummaryOf, readCellSummary, writeCellSummary } from '../../../src/run-dir/cell-summary.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { trajectory, writeRunDir } from '../../support/run-dir-fixture.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const key = { instanceId: 'django__django-11099', context: '32k', seed: '1' };

async function run(steps?: number): Promise<RunLayout> {
  const root = mkdtempSync(path.join(tmpdir(), 'cell-summary-'));
  dirs.push(root);
  await writeRunDir(root, { instanceIds: [key.instanceId], contexts: ['32k'], seeds: ['1'], cells: [{ ...key, outcome: 'resolved', ...(steps === undefined ? {} : { steps }) }] });
  return new RunLayout(root);
}

describe('cell summaries', () => {
  it('reads the cell.json written when the cell finished', async () => {
    const layout = await run();
    const t = trajectory({ ...key, outcome: 'resolved', steps: 7, exitStatus: 'exit_context' }, 'allenai/SERA-32B', 'diff');
    await writeCellSummary(layout, key, t);
    const summary = await readCellSummary(layout, key);
    expect(summary).toEqual(cellSummaryOf(t));
    expect(summary?.rollout).toMatchObject({ exit_status: 'exit_context', steps: 7, stats: { model_calls: 7 } });
  });

  it('builds the same record from the trajectory of a run written before cell.json existed', async () => {
    const layout = await run(12);
    const summary = await readCellSummary(layout, key);
    expect(summary).toMatchObject({ instance_id: key.instanceId, context: '32k', seed: '1', rollout: { exit_status: 'submitted', steps: 12 } });
  });

  it('is null for a cell without a trajectory, and names the file and field of a bad cell.json', async () => {
    const layout = await run();
    expect(await readCellSummary(layout, key)).toBeNull();
    await mkdir(layout.cellDir(key), { recursive: true });
    writeFileSync(layout.cellSummary(key), JSON.stringify({ format: 'sera-eval.cell-summary/1', instance_id: key.instanceId, context: '32k', seed: '1', rollout: { exit_status: 'done' } }));
    const error = await readCellSummary(layout, key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/cell\.json: field rollout\.(model|exit_status)/);
  });
});
