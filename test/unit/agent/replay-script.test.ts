import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectModelClient } from '../../../src/model/model-client.js';
import { conversationFromTrajectory, loadReplayScript } from '../../../src/model/replay-script.js';
import { startReplayServer } from '../../../src/model/replay-server.js';
import { renderInstanceTemplate, SYSTEM_TEMPLATE } from '../../../src/agents/sera/sera-templates.js';
import { SERA_TOOLS } from '../../../src/agents/sera/tool-schemas.js';
import { InputError } from '../../../src/errors.js';
import { turn } from '../../support/fake-model-server.js';
import { disposeRun, PROBLEM, runScripted, type ScriptedRun } from './run-scripted-agent.js';

let dir: string;
let run: ScriptedRun | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sera-replay-'));
});
afterEach(async () => {
  await disposeRun(run);
  run = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('replay scripts', () => {
  it('replays a recorded trajectory turn for turn', async () => {
    run = await runScripted({
      turns: [turn.bash('ls', 'look'), turn.noToolCall(), turn.editor({ command: 'view', path: '/testbed/calc.py' }), turn.submit(), turn.submit()],
    });
    const conversation = conversationFromTrajectory(run.trajectory);
    expect(conversation.match).toBe(PROBLEM);
    expect(conversation.turns).toHaveLength(5);
    expect(conversation.turns[0]).toEqual({ content: 'look', tool_calls: [{ name: 'bash', arguments: '{"command":"ls"}' }] });

    const path = join(dir, 'demo.traj.json');
    await writeFile(path, JSON.stringify(run.trajectory));
    const script = await loadReplayScript([path]);
    const server = await startReplayServer(script);
    try {
      const client = await connectModelClient({ baseUrl: server.url });
      const messages = [
        { role: 'system', content: SYSTEM_TEMPLATE },
        { role: 'user', content: renderInstanceTemplate(PROBLEM) },
      ];
      const replayed = await client.complete(messages, SERA_TOOLS, { temperature: 0, topP: 1 });
      expect(replayed.content).toBe('look');
      expect(replayed.toolCalls.map((c) => [c.name, c.arguments])).toEqual([['bash', '{"command":"ls"}']]);
      expect(replayed.finishReason).toBe('tool_calls');
    } finally {
      await server.close();
    }
  });

  it('answers an unmatched conversation with a 400 and an overlong prompt with vLLM\'s context error', async () => {
    const server = await startReplayServer({ model: 'm', max_model_len: 50, conversations: [{ match: 'zzz', turns: [] }] });
    try {
      const client = await connectModelClient({ baseUrl: server.url });
      await expect(client.complete([{ role: 'user', content: 'hello' }], [], { temperature: 0, topP: 1 })).rejects.toMatchObject({
        kind: 'fatal',
        status: 400,
      });
      await expect(client.complete([{ role: 'user', content: 'x'.repeat(400) }], [], { temperature: 0, topP: 1 })).rejects.toMatchObject({
        kind: 'context_overflow',
      });
      // '[{"role":"user","content":"abcd"}]' (33 characters) + '[]' (2) = 35 characters → ceil(35 / 4)
      expect(await client.countTokens([{ role: 'user', content: 'abcd' }], [])).toEqual({ count: 9, maxModelLen: 50 });
    } finally {
      await server.close();
    }
  });

  it('names the file and the field of a bad script', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ conversations: [{ match: '', turns: [] }] }));
    await expect(loadReplayScript([path])).rejects.toThrow(InputError);
    await expect(loadReplayScript([path])).rejects.toThrow(/bad\.json: not a replay script: field conversations\.0\.match/);
  });
});
