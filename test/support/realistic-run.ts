/**
 * A run directory shaped like a real full-scale study, for the report benchmark and the large HTML
 * test: every cell graded (run-dir-fixture.ts) and every trajectory `steps` steps long, its messages
 * and observations sized so the conversation fills about `historyTokens` tokens (4 bytes a token), as
 * a rollout that ran to its 32K or 64K budget does. One trajectory body is built per context and
 * reused for every cell, so generating thousands of files costs their serialisation only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderInstanceTemplate, SYSTEM_TEMPLATE } from '../../src/agents/sera/sera-templates.js';
import { RunLayout } from '../../src/run-dir/layout.js';
import { cellSummaryOf } from '../../src/run-dir/cell-summary.js';
import type { Trajectory } from '../../src/run-dir/schemas.js';
import { DEFAULT_PATCH, simulatedCells, writeRunDir } from './run-dir-fixture.js';

export interface RealisticRunSpec {
  instanceIds: string[];
  contexts: string[];
  seeds: string[];
  steps: number;
  /** Tokens of history per context label, e.g. { '32k': 32000, '64k': 64000 }. */
  historyTokens: (context: string) => number;
  datasetSource?: string;
  model?: string;
  /** Write each cell's cell.json as `run` does when a cell finishes; false: a run from before cell.json. @default true */
  cellSummaries?: boolean;
}

const PROBLEM = 'Calling `Model.objects.bulk_update()` with a field whose `db_column` differs from its name raises FieldError.\n'.repeat(12);

function body(steps: number, historyTokens: number): Pick<Trajectory, 'messages' | 'steps' | 'stats'> {
  const opening = [
    { role: 'system', content: SYSTEM_TEMPLATE },
    { role: 'user', content: renderInstanceTemplate(PROBLEM) },
  ];
  const openingBytes = JSON.stringify(opening).length;
  const perStep = Math.max(200, Math.floor((historyTokens * 4 - openingBytes) / steps));
  const thought = `<think>\nThe failing path goes through the SQL compiler; I should read the next function and check how it quotes columns.\n</think>\n\n`;
  const observationBytes = Math.max(40, perStep - thought.length - 260);
  const line = '    def as_sql(self, compiler, connection):  # returns the SQL and params for this node\n';
  const observation = line.repeat(Math.ceil(observationBytes / line.length)).slice(0, observationBytes);
  const messages: Record<string, unknown>[] = [...opening];
  const trajectorySteps: Trajectory['steps'] = [];
  for (let index = 0; index < steps; index++) {
    const args = JSON.stringify({ command: `sed -n '${index * 40},${index * 40 + 40}p' django/db/models/sql/compiler.py` });
    messages.push(
      { role: 'assistant', content: thought, tool_calls: [{ id: `call_${index}`, type: 'function', function: { name: 'bash', arguments: args } }] },
      { role: 'tool', content: `OBSERVATION:\n${observation}`, tool_call_id: `call_${index}` },
    );
    trajectorySteps.push({
      index,
      thought,
      tool_calls: [{ id: `call_${index}`, name: 'bash', arguments: args }],
      observation,
      kind: 'action',
      usage: { prompt_tokens: Math.round(((index + 1) / steps) * historyTokens), completion_tokens: 120 },
      model_latency_s: 2.5,
      tool_latency_s: 0.3,
      finish_reason: 'tool_calls',
    });
  }
  return {
    messages,
    steps: trajectorySteps,
    stats: {
      model_calls: steps,
      prompt_tokens: trajectorySteps.reduce((s, x) => s + x.usage.prompt_tokens, 0),
      completion_tokens: steps * 120,
      model_time_s: steps * 2.5,
      tool_time_s: steps * 0.3,
      wall_time_s: steps * 2.9,
      infrastructure_retries: 0,
    },
  };
}

/** Writes the run; returns its root and the bytes of trajectories written. */
export async function writeRealisticRun(root: string, spec: RealisticRunSpec): Promise<{ root: string; trajectoryBytes: number }> {
  const model = spec.model ?? 'allenai/SERA-32B';
  const cells = simulatedCells({
    instanceIds: spec.instanceIds,
    contexts: spec.contexts,
    seeds: spec.seeds,
    resolveShare: (_id, context) => (context === spec.contexts[0] ? 0.45 : 0.5),
  });
  await writeRunDir(root, {
    instanceIds: spec.instanceIds,
    cells,
    contexts: spec.contexts,
    seeds: spec.seeds,
    model,
    ...(spec.datasetSource ? { datasetSource: spec.datasetSource } : {}),
  });
  const layout = new RunLayout(root);
  const bodies = new Map(spec.contexts.map((c) => [c, body(spec.steps, spec.historyTokens(c))]));
  let trajectoryBytes = 0;
  for (const cell of cells) {
    const key = { instanceId: cell.instanceId, context: cell.context!, seed: cell.seed! };
    const trajectory: Trajectory = {
      format: 'sera-eval.trajectory/1',
      instance_id: key.instanceId,
      context: key.context,
      seed: key.seed,
      model,
      exit_status: 'submitted',
      autosubmitted: false,
      submission: cell.outcome === 'empty_patch' ? '' : DEFAULT_PATCH,
      ...bodies.get(key.context)!,
      sampling: { temperature: 0.6, top_p: 0.95, seed: Number(key.seed) },
      error: null,
    };
    const text = `${JSON.stringify(trajectory, null, 2)}\n`;
    trajectoryBytes += Buffer.byteLength(text);
    const file = layout.trajectory(key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    if (spec.cellSummaries !== false) await writeFile(layout.cellSummary(key), `${JSON.stringify(cellSummaryOf(trajectory), null, 2)}\n`);
  }
  return { root, trajectoryBytes };
}
