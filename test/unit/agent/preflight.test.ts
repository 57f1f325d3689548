import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectModelClient } from '../../../src/model/model-client.js';
import { EndpointMisconfiguredError, preflightEndpoint, preflightEndpoints } from '../../../src/agents/sera/preflight.js';
import { PREFLIGHT_PROMPT } from '../../../src/model/replay-server.js';
import type { ReplayServer } from '../../../src/model/replay-server.js';
import { SERA_TOOLS } from '../../../src/agents/sera/tool-schemas.js';
import { rolloutRequest, RunFlagsSchema } from '../../../src/cli/commands/run.js';
import { planRollouts } from '../../../src/pipeline/plan-run.js';
import { startRollouts } from '../../../src/pipeline/start-run.js';
import { parseFlags } from '../../../src/cli/flags.js';
import { DEMO_DATASET_PATH } from '../../../src/benchmarks/demo/demo-repo.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { runCli } from '../../support/cli-runner.js';
import { startFakeModelServer, TOOL_CALL_IN_TEXT, type Fault } from '../../support/fake-model-server.js';
import { FakeSandbox } from '../../support/fake-sandbox.js';
import { chatRequests } from './run-scripted-agent.js';

const NO_RETRY = { retryPolicy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } };

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serverWith(fault?: Fault): Promise<ReplayServer> {
  server = await startFakeModelServer({ conversations: [], faults: fault ? { 0: fault } : {} });
  return server;
}

describe('preflightEndpoint', () => {
  it('sends one chat request with SERA tools and accepts a tool call', async () => {
    const s = await serverWith();
    const client = await connectModelClient({ baseUrl: s.url });
    expect(await preflightEndpoint(client, s.url, NO_RETRY)).toEqual({});
    const [request] = chatRequests(s);
    expect(chatRequests(s)).toHaveLength(1);
    expect(request!.body).toMatchObject({ tools: SERA_TOOLS, tool_choice: 'auto', model: 'sera-fake' });
    expect(request!.body.messages!.at(-1)).toEqual({ role: 'user', content: PREFLIGHT_PROMPT });
  });

  it('names the vLLM flags to add when the server was started without tool calling', async () => {
    const s = await serverWith('no_tool_calling');
    const client = await connectModelClient({ baseUrl: s.url });
    const err = await preflightEndpoint(client, s.url, NO_RETRY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointMisconfiguredError);
    expect((err as Error).message).toContain('"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set');
    expect((err as Error).message).toContain('restart vLLM with --enable-auto-tool-choice --tool-call-parser hermes');
    expect(chatRequests(s)).toHaveLength(1);
  });

  it('names --model and --served-model-name on vLLM 404 for the model', async () => {
    const s = await serverWith('wrong_model');
    const client = await connectModelClient({ baseUrl: s.url });
    const err = await preflightEndpoint(client, s.url, NO_RETRY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointMisconfiguredError);
    expect((err as Error).message).toContain('The model `sera-fake` does not exist.');
    expect((err as Error).message).toMatch(/--model.*--served-model-name sera-fake/);
  });

  it('warns with the raw reply when the tool call stays in the text', async () => {
    const s = await serverWith('tool_call_in_text');
    const client = await connectModelClient({ baseUrl: s.url });
    const { warning } = await preflightEndpoint(client, s.url, NO_RETRY);
    expect(warning).toContain('--tool-call-parser hermes');
    expect(warning).toContain(`Raw reply:\n${TOOL_CALL_IN_TEXT}`);
  });
});

describe('preflightEndpoints', () => {
  it('asks each distinct endpoint once and collects the warnings', async () => {
    const s = await serverWith('tool_call_in_text');
    const client = await connectModelClient({ baseUrl: s.url });
    const warnings = await preflightEndpoints([{ client, label: '32k endpoint' }, { client, label: '64k endpoint' }], NO_RETRY);
    expect(chatRequests(s)).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^32k endpoint: /);
  });
});

describe('run with an endpoint started without tool calling', () => {
  it('exits 3 naming the vLLM flags', async () => {
    const s = await serverWith('no_tool_calling');
    const output = await mkdtemp(path.join(tmpdir(), 'sera-preflight-'));
    try {
      const run = await runCli(['run', '--base-url', s.url, '--dataset', DEMO_DATASET_PATH, '--pull', 'never', '--output', output]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('endpoint_misconfigured');
      expect(run.stderr).toContain('--enable-auto-tool-choice --tool-call-parser hermes');
    } finally {
      await rm(output, { recursive: true, force: true });
    }
  });

  it('starts no container and writes no rollout', async () => {
    const s = await serverWith('no_tool_calling');
    const output = await mkdtemp(path.join(tmpdir(), 'sera-preflight-'));
    const sandbox = new FakeSandbox(() => {
      throw new Error('no container may start');
    });
    try {
      const flags = parseFlags(
        RunFlagsSchema,
        {
          baseUrl: s.url, dataset: DEMO_DATASET_PATH, endpoint: [], apiKeyEnv: 'SERA_EVAL_TEST_NO_KEY', context: '32k', seeds: '1',
          temperature: '0', topP: '1', maxSteps: '115', concurrency: '1', evalWorkers: '1', imageTemplate: 'local', pull: 'never',
          timeout: '300', memory: '2g', pids: '1024', maxOutput: '8m', output,
        },
        'run',
      );
      const io = { stdout: { write: () => undefined }, stderr: { write: () => undefined } };
      const run = async () =>
        startRollouts(await planRollouts(await rolloutRequest(flags, 'preflight', 'run', { name: 'fake', config: {} }), io), {
          layout: new RunLayout(path.join(output, 'preflight')),
          sandbox,
          io,
        });
      await expect(run()).rejects.toBeInstanceOf(EndpointMisconfiguredError);
      expect(sandbox.starts).toEqual([]);
      expect(sandbox.prepared).toEqual([]);
      expect(await readdir(output)).toEqual([]);
    } finally {
      await rm(output, { recursive: true, force: true });
    }
  });
});
