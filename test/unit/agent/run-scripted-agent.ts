/** Runs the real agent loop against the fake model server and a LocalEnvironment on a temp repo. */
import { runAgent, type AgentLimits } from '../../../src/agents/sera/agent-loop.js';
import type { ContextBudget } from '../../../src/model/model-client.js';
import { connectModelClient } from '../../../src/model/model-client.js';
import type { ReplayServer } from '../../../src/model/replay-server.js';
import type { ReplayTurn } from '../../../src/model/replay-script.js';
import type { Trajectory } from '../../../src/run-dir/schemas.js';
import { inProgressTrajectory, type TrajectoryLogEntry, type TrajectoryLogHeader } from '../../../src/run-dir/trajectory-log.js';
import { startFakeModelServer, type Fault } from '../../support/fake-model-server.js';
import { makeTempRepo, type TempRepo } from './temp-repo.js';

export const PROBLEM = 'calc.add returns the wrong sum (issue #7)';

export interface ScriptedRun {
  trajectory: Trajectory;
  server: ReplayServer;
  repo: TempRepo;
  /** The in-progress trajectory rebuilt from the step log after each step, as a reader of a killed run sees it. */
  snapshots: Trajectory[];
}

export interface ScriptedRunOptions {
  turns: ReplayTurn[];
  files?: Record<string, string>;
  faults?: Record<number, Fault> | ((index: number) => Fault | undefined);
  limits?: Partial<AgentLimits>;
  budget?: ContextBudget;
  maxModelLen?: number;
  maxTokens?: number;
  apiKey?: string;
  apiKeyEnv?: string;
  requestTimeoutS?: number;
  signal?: AbortSignal;
  /** Close the environment (as a vanished container) when this chat request (0-based) arrives. */
  closeEnvironmentAtCall?: number;
}

export async function runScripted(options: ScriptedRunOptions): Promise<ScriptedRun> {
  const server = await startFakeModelServer({
    conversations: [{ match: PROBLEM, turns: options.turns }],
    maxModelLen: options.maxModelLen,
    faults: (index) => {
      if (index === options.closeEnvironmentAtCall) void repo.env.close();
      return typeof options.faults === 'function' ? options.faults(index) : options.faults?.[index];
    },
  });
  const repo = await makeTempRepo(options.files ?? { 'calc.py': 'def add(a, b):\n    return a - b\n' });
  const snapshots: Trajectory[] = [];
  let header: TrajectoryLogHeader | undefined;
  const entries: TrajectoryLogEntry[] = [];
  try {
    const client = await connectModelClient({ baseUrl: server.url, apiKey: options.apiKey, apiKeyEnv: options.apiKeyEnv, requestTimeoutS: options.requestTimeoutS });
    const trajectory = await runAgent({
      env: repo.env,
      instance: { instance_id: 'demo__calc-7', problem_statement: PROBLEM, base_commit: repo.baseCommit },
      client,
      budget: options.budget ?? {},
      sampling: { temperature: 0, topP: 1, maxTokens: options.maxTokens, seed: 1 },
      context: '32k',
      seed: '1',
      limits: options.limits,
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      signal: options.signal,
      log: {
        start: async (h) => {
          header = JSON.parse(JSON.stringify(h)) as TrajectoryLogHeader;
        },
        step: async (entry) => {
          if (!header) throw new Error('step logged before the header');
          entries.push(JSON.parse(JSON.stringify(entry)) as TrajectoryLogEntry);
          snapshots.push(inProgressTrajectory({ header, entries: [...entries] }));
        },
      },
    });
    return { trajectory, server, repo, snapshots };
  } catch (err) {
    await server.close();
    await repo.cleanup();
    throw err;
  }
}

export async function disposeRun(run: ScriptedRun | undefined): Promise<void> {
  if (!run) return;
  await run.server.close();
  await run.repo.cleanup();
}

export function chatRequests(server: ReplayServer) {
  return server.requests.filter((r) => r.path === '/v1/chat/completions');
}
