/** Planning a rollout run: endpoints connected once each, the scaffold's own preflight, the spec built from the request. */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineScaffold, type ScaffoldEndpoint } from '../../../src/agents/scaffold.js';
import { scaffolds } from '../../../src/agents/scaffolds.js';
import { DEMO_DATASET_PATH } from '../../../src/benchmarks/demo/demo-repo.js';
import type { ReplayServer } from '../../../src/model/replay-server.js';
import { planRollouts, type RolloutRequest } from '../../../src/pipeline/plan-run.js';
import { startFakeModelServer } from '../../support/fake-model-server.js';

const preflighted: ScaffoldEndpoint[][] = [];
const checking = scaffolds.register(
  defineScaffold({
    name: 'plan-run-test-checks',
    description: 'records its preflight',
    configSchema: z.object({ level: z.number() }).strict(),
    preflight: async (endpoints) => {
      preflighted.push([...endpoints]);
      return ['tool calling untested here'];
    },
    run: () => Promise.reject(new Error('not run by planning')),
  }),
);

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function request(url: string): RolloutRequest {
  return {
    command: 'run',
    runId: 'p',
    selection: { dataset: DEMO_DATASET_PATH, filters: { limit: 1 } },
    skipUnsupported: false,
    imageTemplate: 'local',
    endpoints: [
      { context: '32k', tokens: 32768, url },
      { context: '64k', tokens: 65536, url },
    ],
    apiKeyEnv: 'SERA_EVAL_TEST_NO_KEY',
    requestTimeoutS: 30,
    sampling: { temperature: 0, top_p: 1, max_tokens: null },
    agent: { name: checking.name, config: { level: 2 } },
    limits: { max_steps: 10, rollout_timeout_s: null },
    seeds: [1, 2],
    sandbox: { name: 'local', config: {} },
    grading: { timeout_s: 60, max_output_bytes: 1024, network: false, memory_bytes: 2 ** 30, pids_limit: 64, cpus: 1 },
    execution: { concurrency: 1, eval_workers: 1 },
  };
}

describe('planRollouts', () => {
  it("asks the scaffold's own preflight once per distinct endpoint and shows its warnings", async () => {
    server = await startFakeModelServer({ conversations: [], maxModelLen: 65536 });
    const stderr: string[] = [];
    const planned = await planRollouts(request(server.url), { stderr: { write: (t: string) => stderr.push(t) } }, 'plan');
    expect(preflighted).toHaveLength(1);
    expect(preflighted[0]!.map((e) => e.label)).toEqual([new URL(server.url).toString()]);
    expect(stderr).toEqual(['sera-eval plan: warning: tool calling untested here\n']);
    expect([...planned.clients.keys()]).toEqual(['32k', '64k']);
    expect(planned.clients.get('32k')).toBe(planned.clients.get('64k'));
    expect(planned.spec).toMatchObject({
      command: 'run',
      model_name_or_path: 'sera-fake',
      agent: { name: 'plan-run-test-checks', config: { level: 2 } },
      model: {
        endpoints: { '64k': { model: 'sera-fake', max_model_len: 65536, context_tokens: 65536 } },
        sampling: { temperature: 0, top_p: 1, max_tokens: null },
        api_key_env: 'SERA_EVAL_TEST_NO_KEY',
      },
      contexts: ['32k', '64k'],
      seeds: ['1', '2'],
    });
  });
});
