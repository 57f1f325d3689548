/**
 * Scripts for the replay model server: per conversation, the turns (content + tool calls) to answer
 * with, in order. A conversation is picked by a `match` string found in the request's first user
 * message (the instance's problem statement, or an id written into it). Scripts come from a JSON file
 * or from recorded trajectories (`.traj.json`).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { TrajectorySchema, type Trajectory } from '../run-dir/schemas.js';

export const ReplayToolCallSchema = z.object({
  name: z.string().min(1).describe('tool name: bash, str_replace_editor or submit (or anything, to test format errors)'),
  arguments: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .describe('the JSON arguments, as an object or as raw text (raw text can be invalid JSON on purpose)'),
});

export const ReplayTurnSchema = z.object({
  content: z.string().default('').describe('assistant content (the thought)'),
  tool_calls: z.array(ReplayToolCallSchema).default([]).describe('zero, one or several tool calls'),
});
export type ReplayTurn = z.infer<typeof ReplayTurnSchema>;

export const ReplayConversationSchema = z.object({
  match: z.string().min(1).describe('text found in the first user message: a problem statement or an instance id'),
  turns: z.array(ReplayTurnSchema).describe('answers in order; one per model call, requeries included'),
});
export type ReplayConversation = z.infer<typeof ReplayConversationSchema>;

export const ReplayScriptSchema = z.object({
  model: z.string().min(1).default('sera-replay').describe('the model id /v1/models lists'),
  max_model_len: z.number().int().positive().default(32768).describe('the context length the server enforces'),
  conversations: z.array(ReplayConversationSchema),
});
export type ReplayScript = z.infer<typeof ReplayScriptSchema>;

const PR_DESCRIPTION = /<pr_description>\n([\s\S]*)\n<\/pr_description>/;

/** Replays a recorded rollout: its model turns, matched by the problem statement it was given. */
export function conversationFromTrajectory(trajectory: Trajectory): ReplayConversation {
  const firstUser = trajectory.messages.find((m) => m.role === 'user');
  const content = typeof firstUser?.content === 'string' ? firstUser.content : '';
  const match = PR_DESCRIPTION.exec(content)?.[1] ?? trajectory.instance_id;
  return {
    match,
    turns: trajectory.steps.map((step) => ({
      content: step.thought,
      tool_calls: step.tool_calls.map((call) => ({ name: call.name, arguments: call.arguments })),
    })),
  };
}

/** Reads a replay script (`*.json`) or one or more trajectories (`*.traj.json`). @throws InputError */
export async function loadReplayScript(paths: readonly string[]): Promise<ReplayScript> {
  const conversations: ReplayConversation[] = [];
  let header: Omit<ReplayScript, 'conversations'> | undefined;
  for (const path of paths) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new InputError(`${path}: not readable JSON (${(err as Error).message})`);
    }
    if (path.endsWith('.traj.json')) {
      const parsed = TrajectorySchema.safeParse(raw);
      if (!parsed.success) throw new InputError(`${path}: not a sera-eval trajectory: ${describeIssue(parsed.error)}`);
      conversations.push(conversationFromTrajectory(parsed.data));
      continue;
    }
    const parsed = ReplayScriptSchema.safeParse(raw);
    if (!parsed.success) throw new InputError(`${path}: not a replay script: ${describeIssue(parsed.error)}`);
    conversations.push(...parsed.data.conversations);
    header ??= { model: parsed.data.model, max_model_len: parsed.data.max_model_len };
  }
  return ReplayScriptSchema.parse({ ...header, conversations });
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `field ${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}
