/**
 * Running a planned spec in this process: the sandbox provider's signal cleanup and Ctrl-C
 * handling around the pipeline, shared by every command that rolls out or grades.
 */
import type { SweBenchInstance } from '../dataset/schema.js';
import type { SandboxProvider } from '../environment/sandbox-provider.js';
import type { Io } from '../io.js';
import type { ModelClient } from '../model/model-client.js';
import type { Summary } from '../report/summary-schema.js';
import type { RunLayout } from '../run-dir/layout.js';
import type { Prediction } from '../run-dir/schemas.js';
import { runBenchmark } from './benchmark-run.js';
import { evaluatePredictions } from './evaluate-run.js';
import type { UnplannedSpec } from './instance-plans.js';
import { onInterrupt } from './interrupt.js';

export interface StartDeps {
  layout: RunLayout;
  sandbox: SandboxProvider;
  io: Io;
  /** Only these cells (by cellId), for a shard worker. @default all */
  cells?: ReadonlySet<string>;
}

export async function startRollouts(
  planned: { spec: UnplannedSpec; rows: readonly SweBenchInstance[]; clients: ReadonlyMap<string, ModelClient> },
  deps: StartDeps,
): Promise<Summary> {
  const { spec } = planned;
  deps.io.stderr.write(
    `sera-eval ${spec.command}: ${planned.rows.length} instances × ${spec.contexts.length} contexts × ${spec.seeds.length} seeds` +
      ` with ${spec.model_name_or_path} → ${deps.layout.root}\n`,
  );
  return whileHandlingSignals(deps, (signal) =>
    runBenchmark(spec, { layout: deps.layout, rows: planned.rows, clients: planned.clients, sandbox: deps.sandbox, progress: deps.io.stderr, signal, ...(deps.cells ? { cells: deps.cells } : {}) }),
  );
}

export async function startEvaluation(
  planned: { spec: UnplannedSpec; rows: readonly SweBenchInstance[]; predictions: readonly Prediction[] },
  deps: StartDeps,
): Promise<Summary> {
  deps.io.stderr.write(`sera-eval evaluate: ${planned.predictions.length} predictions over ${planned.rows.length} instances → ${deps.layout.root}\n`);
  return whileHandlingSignals(deps, (signal) =>
    evaluatePredictions(planned.spec, {
      layout: deps.layout,
      rows: planned.rows,
      predictions: planned.predictions,
      sandbox: deps.sandbox,
      progress: deps.io.stderr,
      signal,
      ...(deps.cells ? { cells: deps.cells } : {}),
    }),
  );
}

async function whileHandlingSignals(deps: StartDeps, body: (signal: AbortSignal) => Promise<Summary>): Promise<Summary> {
  const removeHandlers = deps.sandbox.installCleanup({ reraise: false });
  const interrupt = onInterrupt((m) => deps.io.stderr.write(`${m}\n`));
  try {
    return await body(interrupt.signal);
  } finally {
    interrupt.dispose();
    removeHandlers();
  }
}
