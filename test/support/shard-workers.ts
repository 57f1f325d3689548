/** Shard workers as separate `sera-eval` processes (tsx, as a user's array task runs the CLI). */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runCli } from './cli-runner.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and everything it printed. */
  done: Promise<{ code: number | null; output: string }>;
}

export function spawnCli(args: string[], env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve) => child.once('exit', (code) => resolve({ code, output })));
  return { child, done };
}

/** `work --shard-from-env` with the array index an Indexed Job gives pod i. */
export function spawnWorker(runDir: string, index: number): WorkerProcess {
  return spawnCli(['work', runDir, '--shard-from-env'], { JOB_COMPLETION_INDEX: String(index) });
}

/** Cells of a run directory that have a finished report.json. */
export function finishedCells(runDir: string): string[] {
  const evaluation = path.join(runDir, 'evaluation');
  const found: string[] = [];
  if (!existsSync(evaluation)) return found;
  for (const context of readdirSync(evaluation)) {
    for (const seed of readdirSync(path.join(evaluation, context))) {
      for (const id of readdirSync(path.join(evaluation, context, seed))) {
        if (existsSync(path.join(evaluation, context, seed, id, 'report.json'))) found.push(`${context}/${seed}/${id}`);
      }
    }
  }
  return found.sort();
}

/**
 * `report --format json` without what differs between two runs of the same cells: the run id,
 * timings, and the prompt token mean, which the replay server approximates from the messages,
 * tool-call ids included; it numbers those ids over all its requests, so they depend on the order in
 * which processes called it.
 */
export async function comparableReport(runDir: string): Promise<{ json: Record<string, unknown>; stderr: string }> {
  const run = await runCli(['report', runDir, '--format', 'json']);
  if (run.code !== 0) throw new Error(`report ${runDir} exited ${run.code}: ${run.stderr}`);
  const json = JSON.parse(run.stdout) as { summary: Record<string, unknown>; activity: Record<string, unknown>[] };
  const { run_id: _id, ...summary } = json.summary;
  const activity = json.activity.map(({ meanModelTimeS: _m, meanToolTimeS: _t, meanPromptTokens: _p, ...rest }) => rest);
  return { json: { ...json, summary, activity }, stderr: run.stderr };
}
