/**
 * `sera-eval replay` without Docker: bad trajectories are input errors naming the file (exit 2, nothing
 * started), the recorded run's run.json supplies the dataset, and the comparison reads a run directory.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunLayout } from '../../../src/run-dir/layout.js';
import type { Trajectory } from '../../../src/run-dir/schemas.js';
import { compareReplays, readRecordedRollout, renderComparison, replayScriptFor } from '../../../src/pipeline/replay-trajectory.js';
import { runCli } from '../../support/cli-runner.js';

const PATCH = 'diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n';

function trajectory(overrides: Partial<Trajectory> = {}): Trajectory {
  return {
    format: 'sera-eval.trajectory/1',
    instance_id: 'sera-eval__textwrapx-14',
    context: '32k',
    seed: '1',
    model: 'recorded-model',
    exit_status: 'submitted',
    autosubmitted: false,
    submission: PATCH,
    messages: [
      { role: 'system', content: 'You are a helpful assistant that can interact with a computer to solve tasks.' },
      { role: 'user', content: '<pr_description>\ntruncate() cuts text that fits\n</pr_description>\nCan you help me' },
    ],
    steps: [
      {
        index: 0,
        thought: 'Let me look.',
        tool_calls: [{ id: 'call_0', name: 'bash', arguments: '{"command": "ls /testbed"}' }],
        observation: 'a.py',
        kind: 'action',
        usage: { prompt_tokens: 10, completion_tokens: 5 },
        model_latency_s: 0.1,
        tool_latency_s: 0.1,
        finish_reason: 'tool_calls',
      },
    ],
    stats: { model_calls: 1, prompt_tokens: 10, completion_tokens: 5, model_time_s: 0.1, tool_time_s: 0.1, wall_time_s: 1, infrastructure_retries: 0 },
    sampling: { temperature: 0, top_p: 1, seed: 1 },
    error: null,
    ...overrides,
  };
}

function writeJson(file: string, value: unknown): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
  return file;
}

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'sera-eval-replay-'));

describe('sera-eval replay: input errors exit 2 and name the file', () => {
  it('a file that is not JSON, one that is not a trajectory, and one that does not exist', async () => {
    const dir = tempDir();
    const notJson = path.join(dir, 'broken.traj.json');
    writeFileSync(notJson, '{"format": ');
    const notTrajectory = writeJson(path.join(dir, 'script.traj.json'), { conversations: [] });
    for (const file of [notJson, notTrajectory, path.join(dir, 'missing.traj.json')]) {
      const run = await runCli(['replay', file, '--output', dir]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(file);
      expect(run.stderr).not.toContain('unexpected error');
    }
    const run = await runCli(['replay', notTrajectory, '--output', dir]);
    expect(run.stderr).toContain('field format');
  });

  it('a trajectory with no model turns, and trajectories of different seeds or the same instance twice', async () => {
    const dir = tempDir();
    const empty = writeJson(path.join(dir, 'empty.traj.json'), trajectory({ steps: [], exit_status: 'exit_infrastructure' }));
    const noTurns = await runCli(['replay', empty, '--output', dir]);
    expect(noTurns.code).toBe(2);
    expect(noTurns.stderr).toContain(`${empty}: the rollout has no model turns`);

    const seed1 = writeJson(path.join(dir, 'a.traj.json'), trajectory());
    const seed2 = writeJson(path.join(dir, 'b.traj.json'), trajectory({ seed: '2', instance_id: 'sera-eval__intervals-7' }));
    const mixed = await runCli(['replay', seed1, seed2, '--output', dir]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain(`${seed2}: recorded at context 32k seed 2`);

    const twice = writeJson(path.join(dir, 'c.traj.json'), trajectory());
    const duplicate = await runCli(['replay', seed1, twice, '--output', dir]);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain(`${twice}: a second trajectory for sera-eval__textwrapx-14`);
  });

  it("takes the dataset from the recorded run's run.json, and a --dataset flag over it", async () => {
    const dir = tempDir();
    const runDir = path.join(dir, 'recorded');
    const gone = path.join(dir, 'moved-away.jsonl');
    writeJson(path.join(runDir, 'run.json'), {
      run_id: 'recorded', command: 'run', created_at: '2026-01-01T00:00:00Z', versions: {},
      dataset: { source: gone, sha256: 'x', rows: 4 }, filters: {}, instance_ids: [], model_name_or_path: 'm', contexts: ['32k'], seeds: ['1'],
    });
    const file = writeJson(path.join(runDir, 'trajectories', '32k', '1', 'sera-eval__textwrapx-14.traj.json'), trajectory());
    const fromManifest = await runCli(['replay', file, '--output', dir, '--pull', 'never']);
    expect(fromManifest.code).toBe(2);
    expect(fromManifest.stderr).toContain(gone);
    const flagged = path.join(dir, 'other.jsonl');
    const fromFlag = await runCli(['replay', file, '--dataset', flagged, '--output', dir, '--pull', 'never']);
    expect(fromFlag.code).toBe(2);
    expect(fromFlag.stderr).toContain(flagged);
    expect(fromFlag.stderr).not.toContain(gone);
  });
});

describe('replay-trajectory', () => {
  it('serves the recorded turns under the recorded model, matched by the problem statement', async () => {
    const dir = tempDir();
    const recorded = await readRecordedRollout(writeJson(path.join(dir, 't.traj.json'), trajectory()));
    expect(recorded.manifest).toBeNull();
    const script = replayScriptFor([recorded], 32768);
    expect(script).toEqual({
      model: 'recorded-model',
      max_model_len: 32768,
      conversations: [{ match: 'truncate() cuts text that fits', turns: [{ content: 'Let me look.', tool_calls: [{ name: 'bash', arguments: '{"command": "ls /testbed"}' }] }] }],
    });
  });

  it("compares the replayed run's patch and reads its verdict", async () => {
    const dir = tempDir();
    const recorded = await readRecordedRollout(writeJson(path.join(dir, 't.traj.json'), trajectory()));
    const layout = new RunLayout(path.join(dir, 'replayed'));
    const cell = { instanceId: 'sera-eval__textwrapx-14', context: '32k', seed: '1' };
    writeJson(layout.trajectory(cell), trajectory({ submission: PATCH.replace('x = 2', 'x = 3') + '\n', exit_status: 'exit_format', autosubmitted: true }));
    const [differs] = await compareReplays([recorded], layout);
    expect(differs).toMatchObject({ samePatch: false, replayedExit: 'exit_format', recordedExit: 'submitted', outcome: 'not graded' });
    expect(renderComparison(differs!)).toBe(
      `sera-eval__textwrapx-14: patch DIFFERS from the recorded submission (recorded ${PATCH.length} bytes, replayed ${PATCH.length + 1} bytes); ` +
        'exit exit_format (recorded submitted); verdict not graded\n',
    );

    writeJson(layout.trajectory(cell), trajectory());
    writeJson(layout.instanceReport(cell), {
      [cell.instanceId]: {
        patch_is_None: false, patch_exists: true, patch_successfully_applied: true, resolved: true,
        sera_eval: {
          outcome: 'resolved', resolution: 'RESOLVED_FULL', error: null, input_sha256: 'x', image: 'img', model_name_or_path: 'm',
          context: '32k', seed: '1', test_exit_code: 0, skipped: { FAIL_TO_PASS: [], PASS_TO_PASS: [] },
          timings: { total_s: 1, tests_s: 1 }, attempts: 1, finished_at: '2026-01-01T00:00:00Z',
        },
      },
    });
    const [same] = await compareReplays([recorded], layout);
    expect(renderComparison(same!)).toBe(
      `sera-eval__textwrapx-14: patch identical to the recorded submission (${PATCH.length} bytes); exit submitted; verdict resolved\n`,
    );
  });
});
