/**
 * The package as a library: a toy agent scaffold, a toy sandbox (the local one, over demo
 * workspaces) and a benchmark derived from the demo one, registered through the package's public
 * API alone, then `sera-eval run` end to end with them: rollout, grading with real git and pytest,
 * run.json, report. No Docker: the sandbox is the host.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  benchmarks,
  defineBenchmark,
  defineSandbox,
  defineScaffold,
  demoBenchmark,
  LocalSandboxProvider,
  main,
  materializeDemoWorkspaces,
  recordedSampling,
  sandboxes,
  scaffolds,
  startReplayServer,
  SweBenchInstanceSchema,
  TrajectorySchema,
  type Trajectory,
} from 'sera-eval';

const INSTANCE = 'sera-eval__textwrapx-14';
const FIX = "sed -i 's/if len(text) >= width:/if len(text) > width:/' textwrapx/truncate.py";

/** Asks the model for one bash command, runs it, submits the diff: the smallest scaffold there is. */
const toyAgent = defineScaffold({
  name: 'toy-one-command',
  description: 'runs the one bash command the model answers with',
  configSchema: z.object({ prefix: z.string().default('') }).strict(),
  async run(task, { env, model, sampling, config, labels, signal }): Promise<Trajectory> {
    const turn = await model.complete([{ role: 'user', content: `${config.prefix}${task.problemStatement}` }], [], sampling, signal);
    const command = String(JSON.parse(turn.toolCalls[0]?.arguments ?? '{}').command ?? 'true');
    const ran = await env.run(command);
    return {
      format: 'sera-eval.trajectory/1',
      instance_id: task.instanceId,
      context: labels.context,
      seed: labels.seed,
      model: model.model,
      exit_status: ran.exitCode === 0 ? 'patched' : 'command_failed',
      autosubmitted: false,
      submission: await env.diff(),
      messages: [],
      steps: [],
      stats: { model_calls: 1, prompt_tokens: turn.usage.promptTokens, completion_tokens: turn.usage.completionTokens, model_time_s: turn.latencyS, tool_time_s: 0, wall_time_s: 0, infrastructure_retries: 0 },
      sampling: recordedSampling(sampling),
      error: null,
      scaffold: { name: 'toy-one-command', data: { command, exit_code: ran.exitCode } },
    };
  },
});

const workspaceRoot = await mkdtemp(path.join(tmpdir(), 'sera-eval-api-'));
afterAll(() => rm(workspaceRoot, { recursive: true, force: true }));

/** The local sandbox over the demo's repositories, materialized once for the whole run. */
const toySandbox = defineSandbox({
  name: 'toy-local',
  description: 'the local sandbox with the demo repositories as its images',
  configSchema: z.object({}).strict(),
  create: () => {
    const ready = (async () =>
      new LocalSandboxProvider({ workspaces: await materializeDemoWorkspaces(await demoRows(), path.join(workspaceRoot, 'workspaces')) }))();
    return {
      prepareImage: async (image) => (await ready).prepareImage(image),
      start: async (request) => (await ready).start(request),
      removeLeftovers: async () => 0,
      installCleanup: () => () => undefined,
    };
  },
});

/** The demo benchmark under another name, with a task of its own: the seam a new benchmark uses. */
const toyBenchmark = defineBenchmark({
  ...demoBenchmark,
  name: 'demo-toy',
  datasetAliases: { 'demo-toy': demoBenchmark.datasetAliases['demo']! },
  defaultDataset: 'demo-toy',
  task: (row) => ({ ...demoBenchmark.task(row), problemStatement: `[toy] ${row.problem_statement}` }),
});

async function demoRows() {
  const file = demoBenchmark.datasetAliases['demo']!;
  const text = await readFile(file, 'utf8');
  return text.trim().split('\n').map((line) => SweBenchInstanceSchema.parse(JSON.parse(line)));
}

describe('the public API', () => {
  it('runs `run` end to end with a registered agent, sandbox and benchmark', async () => {
    scaffolds.register(toyAgent);
    sandboxes.register(toySandbox);
    benchmarks.register(toyBenchmark);
    const row = (await demoRows()).find((r) => r.instance_id === INSTANCE)!;
    const replay = await startReplayServer({
      model: 'toy-model',
      max_model_len: 32768,
      conversations: [{ match: `[toy] ${row.problem_statement}`, turns: [{ content: '', tool_calls: [{ name: 'bash', arguments: { command: FIX } }] }] }],
    });
    const out = path.join(workspaceRoot, 'results');
    let stderr = '';
    let stdout = '';
    try {
      const code = await main(
        ['run', '--base-url', replay.url, '--api-key-env', 'SERA_EVAL_TEST_NO_KEY', '--agent', 'toy-one-command', '--agent-config', '{"prefix":"[toy] "}',
          '--sandbox', 'toy-local', '--benchmark', 'demo-toy', '--instances', INSTANCE, '--image-template', 'local', '--output', out, '--run-id', 'toy'],
        { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
      );
      expect(code, stderr).toBe(0);
    } finally {
      await replay.close();
    }
    const runDir = path.join(out, 'toy');
    const runJson = JSON.parse(await readFile(path.join(runDir, 'run.json'), 'utf8'));
    expect(runJson).toMatchObject({
      format: 'sera-eval.run/2',
      benchmark: { name: 'demo-toy', instances: [{ id: INSTANCE, repo: 'sera-eval/textwrapx' }] },
      agent: { name: 'toy-one-command', config: { prefix: '[toy] ' } },
      sandbox: { name: 'toy-local', config: {} },
    });
    const trajectory = TrajectorySchema.parse(JSON.parse(await readFile(path.join(runDir, 'trajectories/32k/1', `${INSTANCE}.traj.json`), 'utf8')));
    expect(trajectory).toMatchObject({ exit_status: 'patched', scaffold: { name: 'toy-one-command', data: { command: FIX, exit_code: 0 } } });
    expect(trajectory.submission).toContain('+    if len(text) > width:');
    const report = JSON.parse(await readFile(path.join(runDir, 'evaluation/32k/1', INSTANCE, 'report.json'), 'utf8'));
    expect(report[INSTANCE]).toMatchObject({ resolved: true, sera_eval: { outcome: 'resolved' } });
    expect(stdout).toContain('official 100.00 % [1/1]');
  });
});
