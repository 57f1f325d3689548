/**
 * A process that logs steps through the real file sink forever, each step carrying a large
 * observation, and prints the index of every step whose write returned. The parent kills it with
 * SIGKILL at some point mid-step and reads the log.
 * Usage: step-log-writer-child.ts <run-dir> <log file inside it>
 */
import { RunLayout } from '../../src/run-dir/layout.js';
import { fileTrajectorySink, layoutWriter } from '../../src/run-dir/trajectory-log.js';

const [root, file] = process.argv.slice(2);
if (!root || !file) throw new Error('usage: step-log-writer-child.ts <run-dir> <file>');
const sink = fileTrajectorySink(file, layoutWriter(new RunLayout(root)));
await sink.start({ format: 'sera-eval.trajectory-log/1', instance_id: 'demo__calc-7', context: '32k', seed: '1', model: 'm', sampling: {}, messages: [] });
for (let index = 0; ; index++) {
  const observation = `${index}:`.padEnd(256 * 1024, 'x');
  await sink.step({
    step: { index, thought: '', tool_calls: [], observation, kind: 'action', usage: { prompt_tokens: 1, completion_tokens: 1 }, model_latency_s: 0, tool_latency_s: 0, finish_reason: 'tool_calls' },
    messages: [{ role: 'tool', content: observation }],
    infrastructure_retries: 0,
  });
  process.stdout.write(`${index}\n`);
}
