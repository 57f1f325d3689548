/**
 * The HTML report reads each trajectory as its view (steps, exit status, totals, error) without parsing
 * `messages`, and reads JSON as ASCII when it is: the same values as parsing the whole UTF-8 file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonFile } from '../../../src/report/read-validated.js';
import { readTrajectoryView } from '../../../src/report/trajectory-view.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import type { Trajectory } from '../../../src/run-dir/schemas.js';
import { trajectory } from '../../support/run-dir-fixture.js';

let dir: string;
const CELL = { instanceId: 'django__django-1', context: '32k', seed: '1' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'trajectory-view-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function viewOf(t: Trajectory): Pick<Trajectory, 'format' | 'exit_status' | 'autosubmitted' | 'steps' | 'stats' | 'error'> {
  return { format: t.format, exit_status: t.exit_status, autosubmitted: t.autosubmitted, steps: t.steps, stats: t.stats, error: t.error };
}

async function written(name: string, text: (t: Trajectory) => string, t: Trajectory): Promise<string> {
  const root = path.join(dir, name);
  const layout = new RunLayout(root);
  await layout.writeJson(layout.trajectory(CELL), t); // creates the directories
  await writeFile(layout.trajectory(CELL), text(t));
  return root;
}

describe('readTrajectoryView', () => {
  const base = trajectory({ ...CELL, outcome: 'unresolved', steps: 3 }, 'allenai/SERA-32B', 'diff');
  const unicode: Trajectory = {
    ...base,
    messages: [...base.messages, { role: 'tool', content: 'café ✓ "quoted"\n  "steps": [] ← not a member' }],
    steps: base.steps.map((s) => ({ ...s, observation: `${s.observation} — naïve ✗` })),
    error: { code: 'E', message: 'ünïcode' },
  };

  it('gives the steps, exit status, totals and error of a file as sera-eval writes it, ASCII or not', async () => {
    for (const [name, t] of [['ascii', base], ['unicode', unicode]] as const) {
      const root = await written(name, (x) => `${JSON.stringify(x, null, 2)}\n`, t);
      expect(await readTrajectoryView(root, CELL)).toEqual(viewOf(t));
    }
  });

  it('gives the same for a file of several MB, its members before messages longer than a read', async () => {
    const long = 'x = 1  # ✓ '.repeat(40_000);
    const big: Trajectory = {
      ...unicode,
      submission: long,
      messages: Array.from({ length: 200 }, (_, i) => ({ role: 'tool', content: `${i} ${long.slice(0, 9_000)}` })),
      steps: Array.from({ length: 200 }, (_, i) => ({ ...base.steps[0]!, index: i, observation: `${i} ${long.slice(0, 9_000)}` })),
    };
    const root = await written('big', (x) => `${JSON.stringify(x, null, 2)}\n`, big);
    expect(await readTrajectoryView(root, CELL)).toEqual(viewOf(big));
  });

  it('reads a file in another layout (one line, or messages last) whole', async () => {
    const oneLine = await written('one-line', (x) => JSON.stringify(x), unicode);
    expect(await readTrajectoryView(oneLine, CELL)).toEqual(viewOf(unicode));
    const { messages, ...rest } = unicode;
    const messagesLast = await written('messages-last', (x) => JSON.stringify({ ...rest, messages }, null, 2), unicode);
    expect(await readTrajectoryView(messagesLast, CELL)).toEqual(viewOf(unicode));
  });

  it('is undefined without a trajectory; a broken one names its file and field', async () => {
    expect(await readTrajectoryView(path.join(dir, 'none'), CELL)).toBeUndefined();
    const broken = await written('broken', (x) => JSON.stringify({ ...x, steps: [{ index: 'one' }] }, null, 2), base);
    await expect(readTrajectoryView(broken, CELL)).rejects.toThrow(/32k\/1\/django__django-1\.traj\.json: field steps\.0\./);
    const torn = await written('torn', (x) => JSON.stringify(x, null, 2).slice(0, 200), base);
    await expect(readTrajectoryView(torn, CELL)).rejects.toThrow(/django__django-1\.traj\.json: not valid JSON/);
  });
});

describe('readJsonFile', () => {
  it('reads UTF-8 text that is not ASCII as UTF-8', async () => {
    const file = path.join(dir, 'text.json');
    const value = { text: 'café ✓ 日本 \u{1F600}', plain: 'ascii' };
    await writeFile(file, JSON.stringify(value));
    expect(await readJsonFile(file, z.object({ text: z.string(), plain: z.string() }), 'text')).toEqual(value);
  });
});
