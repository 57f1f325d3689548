/** SERA (SWE-agent 1.x as SERA's e2e.yaml configures it) as the default agent scaffold. */
import { z } from 'zod';
import { DEFAULT_LIMITS, runAgent } from './agent-loop.js';
import { defineScaffold } from '../scaffold.js';
import { preflightEndpoints } from './preflight.js';

export const SeraConfigSchema = z
  .object({
    maxModelCalls: z.number().int().positive().default(DEFAULT_LIMITS.maxModelCalls).describe('model calls per rollout, requeries included (e2e.yaml per_instance_call_limit)'),
    maxRequeries: z.number().int().positive().default(DEFAULT_LIMITS.maxRequeries).describe('format/blocklist/syntax errors in a row before exit_format'),
    commandTimeoutS: z.number().positive().default(DEFAULT_LIMITS.commandTimeoutS).describe('seconds per bash command'),
    maxConsecutiveTimeouts: z.number().int().positive().default(DEFAULT_LIMITS.maxConsecutiveTimeouts),
    totalExecutionS: z.number().positive().default(DEFAULT_LIMITS.totalExecutionS).describe('tool time per rollout before exit_timeout'),
    wallClockS: z.number().positive().optional().describe('wall-clock limit per rollout (exit_timeout)'),
  })
  .strict();
export type SeraConfig = z.infer<typeof SeraConfigSchema>;

export const seraScaffold = defineScaffold<SeraConfig>({
  name: 'sera',
  description: "SERA's SWE-agent 1.x: e2e.yaml templates, bash / str_replace_editor / submit, native function calling",
  configSchema: SeraConfigSchema,
  fromRunLimits: (limits) => ({ maxModelCalls: limits.maxSteps, ...(limits.rolloutTimeoutS === undefined ? {} : { wallClockS: limits.rolloutTimeoutS }) }),
  // one request with SERA's tools per endpoint: a server without tool calling stops the run here (exit 3)
  preflight: (endpoints) => preflightEndpoints(endpoints),
  run: (task, context) =>
    runAgent({
      env: context.env,
      instance: { instance_id: task.instanceId, problem_statement: task.problemStatement, base_commit: task.baseCommit },
      client: context.model,
      budget: context.budget,
      sampling: context.sampling,
      context: context.labels.context,
      seed: context.labels.seed,
      limits: context.config,
      ...(context.retryPolicy ? { retryPolicy: context.retryPolicy } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      ...(context.log ? { log: context.log } : {}),
    }),
});
