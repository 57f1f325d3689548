/**
 * Shard workers under a real one-node Slurm (Debian's slurm-wlm and munge, configured and started
 * by scripts/ensure-system.sh slurm): the script `sera-eval slurm array` prints runs as an array of
 * 4 tasks, 2 at a time, and the merged report equals a single evaluate process's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DATASET_PATH } from '../../src/benchmarks/demo/demo-repo.js';
import { runCli } from '../support/cli-runner.js';
import { demoRows, ensureDemoImages } from '../support/demo-fixtures.js';
import { requireDocker } from '../support/docker.js';
import { comparableReport, finishedCells } from '../support/shard-workers.js';
import { requireSlurm, stopOurSlurm } from '../support/slurm.js';

const docker = await requireDocker();
const slurm = requireSlurm();
const demoArgs = (out: string, runId: string) => ['--dataset', DEMO_DATASET_PATH, '--image-template', 'local', '--pull', 'never', '--output', out, '--run-id', runId];

describe.skipIf(!docker.available || !slurm.available)('shard workers as a Slurm array', () => {
  let out: string;
  beforeAll(async () => {
    await ensureDemoImages(docker.docker);
    out = mkdtempSync(path.join(tmpdir(), 'sera-eval-slurm-'));
  });
  afterAll(async () => {
    if (out) rmSync(out, { recursive: true, force: true });
    await stopOurSlurm();
  });

  it('runs the generated sbatch script as an array of 4, 2 at a time, ending with the report of one process', async () => {
    const plan = await runCli(['plan', '--shards', '4', '--predictions', 'gold', '--workers', '1', ...demoArgs(out, 'slurm-array')]);
    expect(plan.code).toBe(0);
    const runDir = path.join(out, 'slurm-array');
    const script = await runCli(['slurm', 'array', runDir, '--parallel', '2', '--chdir', process.cwd(), '--command', `${process.execPath} --import tsx src/cli/main.ts`]);
    expect(script.code).toBe(0);
    expect(script.stdout).toContain('#SBATCH --array=0-3%2');
    const scriptFile = path.join(out, 'job.sbatch');
    writeFileSync(scriptFile, script.stdout);

    const jobId = execFileSync('sbatch', ['--parsable', scriptFile], { encoding: 'utf8' }).trim().split(';')[0]!;
    let maxRunning = 0;
    for (let i = 0; i < 900; i++) {
      const states = execFileSync('squeue', ['-h', '-j', jobId, '-r', '-o', '%T'], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
      if (states.length === 0) break;
      maxRunning = Math.max(maxRunning, states.filter((s) => s === 'RUNNING').length);
      await sleep(300);
    }
    expect(maxRunning).toBeGreaterThanOrEqual(1);
    expect(maxRunning).toBeLessThanOrEqual(2);
    for (let task = 0; task < 4; task++) {
      const log = path.join(runDir, 'shards', `slurm-${jobId}_${task}.out`);
      expect(existsSync(log), log).toBe(true);
      expect(readFileSync(log, 'utf8')).toContain(`sera-eval work: shard ${task + 1}/4 of slurm-array: 1 cells`);
      const shardSummary = JSON.parse(readFileSync(path.join(runDir, 'shards', String(task + 1), 'report.json'), 'utf8'));
      expect(shardSummary.resolved_instances).toBe(1);
    }
    expect(finishedCells(runDir)).toHaveLength(demoRows().length);

    const single = await runCli(['evaluate', '--predictions', 'gold', '--workers', '1', ...demoArgs(out, 'single')]);
    expect(single.code).toBe(0);
    const merged = await comparableReport(runDir);
    expect(merged.stderr).toBe('');
    expect(merged.json).toEqual((await comparableReport(path.join(out, 'single'))).json);
  });
});
