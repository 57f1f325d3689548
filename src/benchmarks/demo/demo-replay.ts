/**
 * The replay model behind `sera-eval demo`: recorded agent behaviours for the demo instances,
 * turned into a replay-server script. Two instances are fixed, one gets a wrong fix and one keeps
 * reading files until the context overflows, so the demo report shows each kind of ending.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ReplayConversation, ReplayScript, ReplayTurn } from '../../model/replay-script.js';
import { DEMO_DIR } from './demo-repo.js';
import type { SweBenchInstance } from '../../dataset/schema.js';
import { InputError } from '../../errors.js';

const DemoStepSchema = z.object({
  thought: z.string(),
  tool: z.enum(['bash', 'str_replace_editor', 'submit']),
  arguments: z.record(z.string(), z.unknown()),
});
const DemoScriptSchema = z.object({ instance_id: z.string(), fix: z.array(DemoStepSchema), wrong: z.array(DemoStepSchema) });

export type DemoBehaviour = 'fix' | 'wrong' | 'overflow';

export const DEMO_BEHAVIOURS: Readonly<Record<string, DemoBehaviour>> = {
  'sera-eval__textwrapx-14': 'fix',
  'sera-eval__intervals-7': 'fix',
  'sera-eval__csvkit-lite-23': 'wrong',
  'sera-eval__csvkit-lite-31': 'overflow',
};

const DEMO_MODEL = 'sera-eval/replay-demo';
/** The replay server enforces this like a vLLM started with --max-model-len 32768. */
const DEMO_MAX_MODEL_LEN = 32768;
const OVERFLOW_TURNS = 200;

export async function demoReplayScript(rows: readonly SweBenchInstance[], demoDir: string = DEMO_DIR): Promise<ReplayScript> {
  const conversations: ReplayConversation[] = [];
  for (const row of rows) {
    const behaviour = DEMO_BEHAVIOURS[row.instance_id] ?? 'fix';
    const turns = behaviour === 'overflow' ? overflowTurns() : await recordedTurns(row.instance_id, behaviour, demoDir);
    conversations.push({ match: row.problem_statement, turns });
  }
  return { model: DEMO_MODEL, max_model_len: DEMO_MAX_MODEL_LEN, conversations };
}

async function recordedTurns(instanceId: string, behaviour: 'fix' | 'wrong', demoDir: string): Promise<ReplayTurn[]> {
  const file = path.join(demoDir, 'scripts', `${instanceId}.json`);
  const parsed = DemoScriptSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new InputError(`${file}: not a demo script: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data[behaviour].map((step) => ({
    content: step.thought,
    tool_calls: [{ name: step.tool, arguments: step.arguments }],
  }));
}

/** An agent that re-reads the whole repository every step: the prompt grows until the server refuses it. */
function overflowTurns(): ReplayTurn[] {
  return Array.from({ length: OVERFLOW_TURNS }, (_, i) => ({
    content: i === 0 ? 'Let me read every file of the repository before changing anything.' : 'Let me look at all the files again to be sure.',
    tool_calls: [{ name: 'bash', arguments: { command: 'cd /testbed && cat -n csvkit_lite/*.py tests/*.py README.md' } }],
  }));
}
