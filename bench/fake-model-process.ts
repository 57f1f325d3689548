/**
 * The fake model server of the scale benchmark, in its own process so its CPU is not the harness's:
 * a replay server behind the latency proxy, answering every rollout with `steps` bash turns and then
 * submit twice. Prints its base URL on the first line of stdout and serves until killed.
 */
import { z } from 'zod';
import { startReplayServer } from '../src/model/replay-server.js';
import { ReplayScriptSchema } from '../src/model/replay-script.js';
import { startLatencyProxy } from './latency-proxy.js';

const Args = z.object({ match: z.string().min(1), steps: z.coerce.number().int().min(1), latencyMs: z.coerce.number().min(0), context: z.coerce.number().int() });
const args = Args.parse(JSON.parse(process.argv[2] ?? '{}'));

const bash = (i: number) => ({ content: `Step ${i}: look at the next part of the code.`, tool_calls: [{ name: 'bash', arguments: { command: `grep -n "def " src/module_${i}.py` } }] });
const submit = { content: '', tool_calls: [{ name: 'submit', arguments: {} }] };
const script = ReplayScriptSchema.parse({
  model: 'sera-bench',
  max_model_len: args.context,
  conversations: [{ match: args.match, turns: [...Array.from({ length: args.steps - 2 }, (_, i) => bash(i)), submit, submit] }],
});
const replay = await startReplayServer(script);
// the replay server records every request for tests to inspect; here that would be every conversation, kept
setInterval(() => {
  replay.requests.length = 0;
}, 1000).unref();
const proxy = await startLatencyProxy(replay.url, args.latencyMs);
process.stdout.write(`${proxy.url}\n`);
