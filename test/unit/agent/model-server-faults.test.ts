import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectModelClient } from '../../../src/model/model-client.js';
import { classifyModelError } from '../../../src/model/model-errors.js';
import { InputError, InterruptedError } from '../../../src/errors.js';
import { turn } from '../../support/fake-model-server.js';
import { chatRequests, disposeRun, runScripted, type ScriptedRun } from './run-scripted-agent.js';

const FIX = { command: 'str_replace', path: '/testbed/calc.py', old_str: 'return a - b', new_str: 'return a + b' };

let run: ScriptedRun | undefined;
afterEach(async () => {
  await disposeRun(run);
  run = undefined;
});

describe('model server faults', () => {
  it('retries 429, 500 and a reset connection, then carries on', async () => {
    run = await runScripted({
      turns: [turn.editor(FIX), turn.submit(), turn.submit()],
      faults: { 0: 'rate_limit', 2: 'server_error', 4: 'reset' },
    });
    expect(run.trajectory.exit_status).toBe('submitted');
    expect(run.trajectory.stats.infrastructure_retries).toBe(3);
    expect(run.trajectory.stats.model_calls).toBe(3);
    expect(chatRequests(run.server)).toHaveLength(6);
  });

  it('reports a fault that outlasts the retries as exit_infrastructure, with the patch autosubmitted', async () => {
    run = await runScripted({ turns: [turn.editor(FIX), turn.submit()], faults: (i) => (i >= 1 ? 'server_error' : undefined) });
    expect(run.trajectory.exit_status).toBe('exit_infrastructure');
    expect(run.trajectory.error?.code).toBe('model_unavailable');
    expect(run.trajectory.autosubmitted).toBe(true);
    expect(run.trajectory.submission).toContain('+    return a + b');
    expect(chatRequests(run.server)).toHaveLength(4);
  });

  it('does not retry a 401 and counts it as infrastructure', async () => {
    run = await runScripted({ turns: [turn.submit()], faults: { 0: 'unauthorized' } });
    expect(run.trajectory.exit_status).toBe('exit_infrastructure');
    expect(chatRequests(run.server)).toHaveLength(1);
  });

  it.each(['context_overflow', 'context_overflow_flat', 'max_tokens_at_least_1'] as const)(
    'ends as exit_context on vLLM %s, autosubmitting',
    async (fault) => {
      run = await runScripted({ turns: [turn.editor(FIX), turn.submit()], faults: { 1: fault } });
      expect(run.trajectory.exit_status).toBe('exit_context');
      expect(run.trajectory.autosubmitted).toBe(true);
      expect(run.trajectory.submission).toContain('+    return a + b');
      expect(chatRequests(run.server)).toHaveLength(2);
    },
  );

  it.each(['truncated_json', 'no_choices', 'choice_without_message'] as const)(
    'retries a 200 that is no completion (%s) as a server fault, then carries on',
    async (fault) => {
      run = await runScripted({ turns: [turn.editor(FIX), turn.submit(), turn.submit()], faults: { 1: fault } });
      expect(run.trajectory).toMatchObject({ exit_status: 'submitted', autosubmitted: false });
      expect(run.trajectory.stats.infrastructure_retries).toBe(1);
      expect(run.trajectory.submission).toContain('+    return a + b');
      expect(chatRequests(run.server)).toHaveLength(4);
    },
  );

  it.each(['truncated_json', 'no_choices', 'choice_without_message'] as const)(
    'counts a 200 that is never a completion (%s) as infrastructure, not as the model failing',
    async (fault) => {
      run = await runScripted({ turns: [turn.editor(FIX), turn.submit()], faults: (i) => (i >= 1 ? fault : undefined) });
      expect(run.trajectory.exit_status).toBe('exit_infrastructure');
      expect(run.trajectory.error?.code).toBe('model_unavailable');
      expect(run.trajectory.error?.message).toMatch(/200 (without a valid chat completion|with a body that is not JSON)/);
      expect(run.trajectory.submission).toContain('+    return a + b');
      expect(chatRequests(run.server)).toHaveLength(4);
    },
  );

  it('cuts a hung response at --request-timeout and retries it', async () => {
    const started = performance.now();
    run = await runScripted({ turns: [turn.submit(), turn.submit()], faults: { 0: 'hang' }, requestTimeoutS: 0.5 });
    expect(run.trajectory.exit_status).toBe('submitted');
    expect(run.trajectory.stats.infrastructure_retries).toBe(1);
    expect(chatRequests(run.server)).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('counts a server that always hangs as infrastructure', async () => {
    run = await runScripted({ turns: [turn.editor(FIX), turn.submit()], faults: (i) => (i >= 1 ? 'hang' : undefined), requestTimeoutS: 0.3 });
    expect(run.trajectory).toMatchObject({ exit_status: 'exit_infrastructure', error: { code: 'model_unavailable' } });
    expect(run.trajectory.error?.message).toMatch(/--request-timeout/);
  });

  it('enforces --rollout-timeout while a request is in flight, aborting it', async () => {
    const started = performance.now();
    run = await runScripted({
      turns: [turn.editor(FIX), turn.submit()],
      faults: { 1: 'hang' },
      requestTimeoutS: 600,
      limits: { wallClockS: 1.5 },
    });
    expect(run.trajectory).toMatchObject({ exit_status: 'exit_timeout', error: { code: 'wall_clock' }, autosubmitted: true });
    expect(run.trajectory.submission).toContain('+    return a + b');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(chatRequests(run.server)).toHaveLength(2);
  });

  it('keeps the API key out of the trajectory while sending it to the server', async () => {
    const apiKey = 'sk-test-secret-4242';
    run = await runScripted({ turns: [turn.bash('env'), turn.submit(), turn.submit()], apiKey });
    expect(chatRequests(run.server)[0]!.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(JSON.stringify(run.trajectory)).not.toContain(apiKey);
    expect(JSON.stringify(run.snapshots)).not.toContain(apiKey);
  });

  it('reads the key from a named environment variable, and names a missing one', async () => {
    process.env.SERA_TEST_KEY = 'sk-from-env-77';
    try {
      run = await runScripted({ turns: [turn.submit(), turn.submit()], apiKeyEnv: 'SERA_TEST_KEY' });
      expect(chatRequests(run.server)[0]!.headers.authorization).toBe('Bearer sk-from-env-77');
      expect(JSON.stringify(run.trajectory)).not.toContain('sk-from-env-77');
    } finally {
      delete process.env.SERA_TEST_KEY;
    }
    await expect(connectModelClient({ baseUrl: run.server.url, apiKeyEnv: 'SERA_TEST_KEY' })).rejects.toThrow(
      /--api-key-env SERA_TEST_KEY: the environment variable is not set/,
    );
  });

  it('stops with InterruptedError when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    await expect(runScripted({ turns: [turn.bash('sleep 20'), turn.submit()], signal: controller.signal })).rejects.toBeInstanceOf(
      InterruptedError,
    );
  });
});

describe('context budgets', () => {
  it('enforces a 32K budget on a 64K endpoint through /tokenize, capping max_tokens', async () => {
    run = await runScripted({ turns: [turn.bash('ls'), turn.submit(), turn.submit()], maxModelLen: 65536, budget: { contextTokens: 32768 } });
    const tokenize = run.server.requests.filter((r) => r.path === '/tokenize');
    const chats = chatRequests(run.server);
    // Only the first prompt, which no response has counted yet, goes to /tokenize; the others are far from the limit.
    expect(tokenize).toHaveLength(1);
    expect(tokenize[0]!.body).toMatchObject({ add_generation_prompt: true, messages: chats[0]!.body.messages, tools: chats[0]!.body.tools });
    const prompt0 = Math.ceil((JSON.stringify(chats[0]!.body.messages).length + JSON.stringify(chats[0]!.body.tools).length) / 4);
    expect(chats[0]!.body.max_tokens).toBe(32768 - prompt0);
    for (const chat of chats) expect(chat.body.max_tokens).toBeLessThanOrEqual(32768 - promptTokens(chat.body));
    expect(run.trajectory.exit_status).toBe('submitted');
  });

  it('counts from usage.prompt_tokens far from the limit and calls /tokenize on every prompt within one observation of it', async () => {
    const steps = Array.from({ length: 20 }, () => turn.bash('seq 1 400'));
    run = await runScripted({ turns: [...steps, turn.submit(), turn.submit()], maxModelLen: 65536, budget: { contextTokens: 9000 } });
    const chats = chatRequests(run.server);
    const tokenized = run.server.requests.filter((r) => r.path === '/tokenize').map((r) => JSON.stringify(r.body.messages));
    const counted = chats.map((c) => tokenized.includes(JSON.stringify(c.body.messages)));
    expect(counted[0]).toBe(true);
    expect(counted.slice(1, 3)).toEqual([false, false]);
    const window = 9000;
    const oneStep = promptTokens(chats[2]!.body) - promptTokens(chats[1]!.body);
    for (const [i, chat] of chats.entries()) {
      const exact = promptTokens(chat.body);
      if (counted[i]) expect(chat.body.max_tokens).toBe(window - exact);
      else expect(chat.body.max_tokens).toBeLessThanOrEqual(window - exact);
      if (window - exact < oneStep) expect(counted[i]).toBe(true);
    }
    // The ending was decided on an exact count: the prompt that no longer fits went to /tokenize, not to the model.
    expect(tokenized).toHaveLength(counted.filter(Boolean).length + 1);
    expect(run.trajectory.exit_status).toBe('exit_context');
    expect(run.trajectory.error?.code).toBe('context_budget');
  });

  it('keeps a smaller user max_tokens under the budget', async () => {
    run = await runScripted({ turns: [turn.submit(), turn.submit()], maxModelLen: 65536, budget: { contextTokens: 32768 }, maxTokens: 1000 });
    expect(chatRequests(run.server)[0]!.body.max_tokens).toBe(1000);
  });

  it('ends as exit_context, without calling the model, when the prompt no longer fits the budget', async () => {
    run = await runScripted({ turns: [turn.bash('seq 1 2000'), turn.submit()], maxModelLen: 65536, budget: { contextTokens: 3000 } });
    expect(run.trajectory.exit_status).toBe('exit_context');
    expect(run.trajectory.error?.code).toBe('context_budget');
    expect(chatRequests(run.server)).toHaveLength(1);
    expect(run.trajectory.autosubmitted).toBe(true);
  });

  it('clamps --max-tokens to what the window leaves when the server enforces the budget itself', async () => {
    run = await runScripted({ turns: [turn.bash('ls'), turn.submit(), turn.submit()], maxModelLen: 8192, budget: { contextTokens: 8192 }, maxTokens: 8000 });
    const chats = chatRequests(run.server);
    const prompt0 = Math.ceil((JSON.stringify(chats[0]!.body.messages).length + JSON.stringify(chats[0]!.body.tools).length) / 4);
    expect(prompt0 + 8000).toBeGreaterThan(8192);
    expect(chats[0]!.body.max_tokens).toBe(8192 - prompt0);
    expect(run.trajectory.exit_status).toBe('submitted');
    expect(run.server.requests.filter((r) => r.path === '/tokenize')).toHaveLength(3);
  });

  it('leaves --max-tokens as asked when it fits the window', async () => {
    run = await runScripted({ turns: [turn.submit(), turn.submit()], maxModelLen: 32768, budget: { contextTokens: 32768 }, maxTokens: 1000 });
    expect(chatRequests(run.server)[0]!.body.max_tokens).toBe(1000);
  });

  it('leaves the budget to the server when the endpoint has exactly that length', async () => {
    run = await runScripted({ turns: [turn.submit(), turn.submit()], maxModelLen: 32768, budget: { contextTokens: 32768 } });
    expect(run.server.requests.filter((r) => r.path === '/tokenize')).toHaveLength(0);
    expect(chatRequests(run.server)[0]!.body).not.toHaveProperty('max_tokens');
  });
});

describe('model client', () => {
  it('asks for --model when the server lists several models', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'a', object: 'model' }, { id: 'b', object: 'model' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      await expect(connectModelClient({ baseUrl: url })).rejects.toThrow(InputError);
      await expect(connectModelClient({ baseUrl: url })).rejects.toThrow(/--model/);
      expect((await connectModelClient({ baseUrl: url, model: 'b' })).model).toBe('b');
      await expect(connectModelClient({ baseUrl: url, model: 'c' })).rejects.toThrow(InputError);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('treats a hung /tokenize or one that answers 200 with no count as a retryable server fault', async () => {
    let tokenizeCalls = 0;
    const server = createServer((req, res) => {
      if (req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model', max_model_len: 8192 }] }));
      }
      if (++tokenizeCalls === 1) return undefined; // never answers
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"count": ');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      const client = await connectModelClient({ baseUrl: url, requestTimeoutS: 0.3 });
      await expect(client.countTokens([], [])).rejects.toMatchObject({ kind: 'retryable' });
      await expect(client.countTokens([], [])).rejects.toMatchObject({ kind: 'retryable', status: 200 });
      expect(tokenizeCalls).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('classifies errors by what the caller does next', () => {
    expect(classifyModelError(undefined, 'Connection error.')).toBe('retryable');
    for (const status of [408, 409, 429, 500, 502, 503]) expect(classifyModelError(status, 'x')).toBe('retryable');
    expect(
      classifyModelError(400, "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens (39000 in the messages, 1000 in the completion)."),
    ).toBe('context_overflow');
    expect(classifyModelError(400, 'max_tokens must be at least 1, got -12.')).toBe('context_overflow');
    expect(classifyModelError(400, 'The prompt is longer than the model\'s context length')).toBe('context_overflow');
    for (const vllm of [
      "This model's maximum context length is 32768 tokens. However, you requested 33000 tokens in the messages, Please reduce the length of the messages.",
      "This model's maximum context length is 32768 tokens. However, your request has 40000 input tokens. Please reduce the length of the input messages.",
      "This model's maximum context length is 32768 tokens. However, you requested 1000 output tokens and your prompt contains at least 32000 input tokens, for a total of at least 33000 tokens.",
      "'max_tokens' or 'max_completion_tokens' is too large: 2000. This model's maximum context length is 32768 tokens and your request has 31000 input tokens (2000 > 32768 - 31000).",
      "Input length (66001) exceeds model's maximum context length (65536).",
      'The decoder prompt (length 33000) is longer than the maximum model length of 32768. Make sure that `max_model_len` is no smaller than the number of text tokens.',
    ]) {
      expect(classifyModelError(400, vllm), vllm).toBe('context_overflow');
    }
    expect(classifyModelError(400, 'Invalid value for tool_choice')).toBe('fatal');
    expect(classifyModelError(401, 'Unauthorized')).toBe('fatal');
  });
});

/** The fake server's count for a request (replay-server.ts approximateTokens): characters / 4. */
function promptTokens(body: { messages?: unknown; tools?: unknown }): number {
  return Math.ceil((JSON.stringify(body.messages).length + JSON.stringify(body.tools).length) / 4);
}
