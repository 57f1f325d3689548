import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { fileTrajectorySink, inProgressTrajectory, layoutWriter, readTrajectoryLog, type TrajectoryLogEntry } from '../../../src/run-dir/trajectory-log.js';
import { TrajectorySchema } from '../../../src/run-dir/schemas.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempRun(): { root: string; file: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'step-log-'));
  dirs.push(root);
  return { root, file: path.join(root, 'trajectories', '32k', '1', 'demo__calc-7.steps.jsonl') };
}

const header = { format: 'sera-eval.trajectory-log/1' as const, instance_id: 'demo__calc-7', context: '32k', seed: '1', model: 'm', sampling: { temperature: 0 }, messages: [{ role: 'system', content: 'S' }] };
function entry(index: number, kind: 'action' | 'requery' = 'action'): TrajectoryLogEntry {
  return {
    step: { index, thought: `t${index}`, tool_calls: [], observation: `o${index}`, kind, usage: { prompt_tokens: 10 * index, completion_tokens: 2 }, model_latency_s: 1, tool_latency_s: 0.5, finish_reason: 'tool_calls' },
    messages: kind === 'action' ? [{ role: 'assistant', content: `t${index}` }, { role: 'tool', content: `o${index}` }] : [],
    infrastructure_retries: index,
  };
}

describe('step log', () => {
  it('rebuilds the in-progress trajectory in the .traj.json shape, and a restart replaces the old log', async () => {
    const { root, file } = tempRun();
    const sink = fileTrajectorySink(file, layoutWriter(new RunLayout(root)));
    await sink.start(header);
    await sink.step(entry(0));
    await sink.start(header);
    await sink.step(entry(0));
    await sink.step(entry(1, 'requery'));
    const trajectory = inProgressTrajectory((await readTrajectoryLog(file))!);
    expect(TrajectorySchema.parse(trajectory)).toEqual(trajectory);
    expect(trajectory.steps.map((s) => s.index)).toEqual([0, 1]);
    expect(trajectory.messages).toEqual([{ role: 'system', content: 'S' }, { role: 'assistant', content: 't0' }, { role: 'tool', content: 'o0' }]);
    expect(trajectory).toMatchObject({ error: { code: 'in_progress' }, stats: { model_calls: 2, prompt_tokens: 10, infrastructure_retries: 1 } });
  });

  it('drops a last line torn by a kill and names the line of any other damage', async () => {
    const { root, file } = tempRun();
    const sink = fileTrajectorySink(file, layoutWriter(new RunLayout(root)));
    await sink.start(header);
    await sink.step(entry(0));
    appendFileSync(file, JSON.stringify(entry(1)).slice(0, 40));
    expect((await readTrajectoryLog(file))!.entries).toHaveLength(1);
    appendFileSync(file, '\n');
    await expect(readTrajectoryLog(file)).rejects.toThrow(/demo__calc-7\.steps\.jsonl:3: not JSON/);
  });

  it('refuses a log that resolves outside the run directory', async () => {
    const { root } = tempRun();
    const sink = fileTrajectorySink(path.join(root, '..', 'elsewhere.steps.jsonl'), layoutWriter(new RunLayout(root)));
    await expect(sink.start(header)).rejects.toThrow(/outside the run directory/);
  });

  it('a process killed with SIGKILL mid-step loses at most the step it was writing', async () => {
    const { root, file } = tempRun();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../../support/step-log-writer-child.ts'), root, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acknowledged = -1;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const last = chunk.toString().trim().split('\n').at(-1);
        acknowledged = Number(last);
        if (acknowledged >= 15) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));
    const log = (await readTrajectoryLog(file))!;
    expect(log.entries.length).toBeGreaterThanOrEqual(acknowledged + 1);
    expect(log.entries.map((e) => e.step.index)).toEqual(log.entries.map((_, i) => i));
  });
});
