/**
 * An id that would become a path outside the run directory is bad input wherever it is read:
 * exit 2 naming the file, line and field, and no file written anywhere outside the run directory.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReplayServer } from '../../../src/model/replay-server.js';
import { DEMO_DATASET_PATH } from '../../../src/benchmarks/demo/demo-repo.js';
import { runCli } from '../../support/cli-runner.js';
import { startFakeModelServer, turn } from '../../support/fake-model-server.js';

/** Enough `..` to climb to / from any run directory, then a fresh name under the system temp dir. */
function escapingId(): { id: string; target: string } {
  const name = `sera-escape-${randomBytes(4).toString('hex')}`;
  return { id: `${'../'.repeat(24)}tmp/${name}`, target: path.join('/tmp', name) };
}

function workspace(): { dir: string; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'path-escape-'));
  return { dir, output: path.join(dir, 'results') };
}

/** The demo dataset with its first row's instance_id replaced; returns the file (the bad row is line 1). */
function datasetWithId(dir: string, id: string): string {
  const lines = readFileSync(DEMO_DATASET_PATH, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const first = JSON.parse(lines[0]!) as Record<string, unknown>;
  const file = path.join(dir, 'rows.jsonl');
  writeFileSync(file, [JSON.stringify({ ...first, instance_id: id }), ...lines.slice(1)].join('\n') + '\n');
  return file;
}

function filesUnder(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : [];
}

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a traversal instance id in a dataset file', () => {
  it('evaluate exits 2 naming file, line and field, and writes nothing outside the run dir', async () => {
    const { dir, output } = workspace();
    const { id, target } = escapingId();
    const dataset = datasetWithId(dir, id);
    const run = await runCli(['evaluate', '--dataset', dataset, '--predictions', 'empty', '--pull', 'never', '--output', output, '--run-id', 'esc']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`${dataset}:1`);
    expect(run.stderr).toContain('field instance_id');
    expect(existsSync(target)).toBe(false);
    expect(filesUnder(output)).toEqual([]);
  });

  it('run (against the fake model server) exits 2 the same way', async () => {
    server = await startFakeModelServer({ conversations: [{ match: 'pr_description', turns: [turn.submit(), turn.submit()] }] });
    const { dir, output } = workspace();
    const { id, target } = escapingId();
    const dataset = datasetWithId(dir, id);
    const run = await runCli(['run', '--base-url', server.url, '--dataset', dataset, '--pull', 'never', '--output', output, '--run-id', 'esc']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`${dataset}:1`);
    expect(run.stderr).toContain('field instance_id');
    expect(existsSync(target)).toBe(false);
    expect(filesUnder(output)).toEqual([]);
  });

  it('replay of a trajectory carrying that id exits 2 naming the trajectory file and field', async () => {
    const { dir, output } = workspace();
    const { id, target } = escapingId();
    const dataset = datasetWithId(dir, id);
    const trajectoryFile = path.join(dir, 'x.traj.json');
    writeFileSync(trajectoryFile, JSON.stringify(recordedTrajectory(id)));
    const run = await runCli(['replay', trajectoryFile, '--dataset', dataset, '--pull', 'never', '--output', output, '--run-id', 'esc']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(trajectoryFile);
    expect(run.stderr).toContain('field instance_id');
    expect(existsSync(target)).toBe(false);
    expect(filesUnder(output)).toEqual([]);
  });
});

describe('a traversal id from the other sources', () => {
  it('a predictions file row: file, line and field', async () => {
    const { dir, output } = workspace();
    const { id } = escapingId();
    const predictions = path.join(dir, 'preds.jsonl');
    writeFileSync(predictions, `${JSON.stringify({ instance_id: id, model_name_or_path: 'm', model_patch: '' })}\n`);
    const run = await runCli(['evaluate', '--dataset', DEMO_DATASET_PATH, '--predictions', predictions, '--output', output]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`${predictions}:1: field instance_id`);
    expect(filesUnder(output)).toEqual([]);
  });

  it('a context or seed label in a predictions file', async () => {
    const { dir, output } = workspace();
    const predictions = path.join(dir, 'preds.jsonl');
    writeFileSync(predictions, `${JSON.stringify({ instance_id: 'sera-eval__textwrapx-14', model_patch: '', context: '../x' })}\n`);
    const run = await runCli(['evaluate', '--dataset', DEMO_DATASET_PATH, '--predictions', predictions, '--output', output]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`${predictions}:1: field context`);
  });

  it('an --instances @FILE line', async () => {
    const { dir, output } = workspace();
    const ids = path.join(dir, 'ids.txt');
    writeFileSync(ids, 'sera-eval__textwrapx-14\n../../etc\n');
    const run = await runCli(['evaluate', '--dataset', DEMO_DATASET_PATH, '--predictions', 'empty', '--instances', `@${ids}`, '--output', output]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`--instances @${ids}:2`);
  });

  it('a run id', async () => {
    const { output } = workspace();
    const run = await runCli(['evaluate', '--dataset', DEMO_DATASET_PATH, '--predictions', 'empty', '--output', output, '--run-id', '..']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('--run-id');
  });
});

function recordedTrajectory(instanceId: string): Record<string, unknown> {
  return {
    format: 'sera-eval.trajectory/1',
    instance_id: instanceId,
    context: '32k',
    seed: '1',
    model: 'recorded-model',
    exit_status: 'submitted',
    autosubmitted: false,
    submission: '',
    messages: [{ role: 'system', content: 's' }],
    steps: [
      {
        index: 0,
        thought: '',
        tool_calls: [{ id: 'call_0', name: 'submit', arguments: '{}' }],
        observation: '',
        kind: 'action',
        usage: { prompt_tokens: 1, completion_tokens: 1 },
        model_latency_s: 0,
        tool_latency_s: 0,
        finish_reason: 'tool_calls',
      },
    ],
    stats: { model_calls: 1, prompt_tokens: 1, completion_tokens: 1, model_time_s: 0, tool_time_s: 0, wall_time_s: 0, infrastructure_retries: 0 },
    sampling: { temperature: 0, top_p: 1 },
    error: null,
  };
}
