/**
 * What the user sees when the run directory cannot be had: exit 3 and one line naming the path or
 * the owner (no stack trace), before any container is touched.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_DATASET_PATH } from '../../../src/benchmarks/demo/demo-repo.js';
import { runCli } from '../../support/cli-runner.js';

const evaluate = (output: string) => ['evaluate', '--dataset', DEMO_DATASET_PATH, '--predictions', 'empty', '--pull', 'never', '--output', output, '--run-id', 'r1'];

const children: { kill(): boolean }[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

describe('the run directory cannot be had', () => {
  it('another live process owns the run id: exit 3 naming it', async () => {
    const output = mkdtempSync(path.join(tmpdir(), 'cli-lock-'));
    const owner = spawn('sleep', ['30']);
    children.push(owner);
    mkdirSync(path.join(output, 'r1'));
    writeFileSync(path.join(output, 'r1', 'run.lock'), JSON.stringify({ pid: owner.pid, host: hostname(), started_at: '2026-01-02T03:04:05.000Z', command: 'run' }));
    const run = await runCli(evaluate(output));
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain(`is in use by sera-eval run (pid ${owner.pid} on ${hostname()}`);
    expect(run.stderr).toContain('pass another --run-id');
  });

  it('the output root is not writable (a path under a file): exit 3, one line naming the path, no stack', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-io-'));
    writeFileSync(path.join(dir, 'a-file'), '');
    const output = path.join(dir, 'a-file', 'results');
    const run = await runCli(evaluate(output));
    expect(run.code, run.stderr).toBe(3);
    const lines = run.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(new RegExp(`^sera-eval: not_a_directory: cannot write ${output}/r1/run.lock: .*run the same command again to resume$`));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
