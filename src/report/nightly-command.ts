/**
 * `sera-eval nightly --baseline RUN_DIR|REPORT --current RUN_DIR [--max-drop PP] [--max-infra PCT]
 * [--alpha A] [--junit FILE] [--markdown FILE] [--history FILE]`: exit 0 when the gate passes, 1 on
 * a regression or when tonight's run measured too little ("not measured"), 2 on bad input,
 * including a baseline that is itself no measurement.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../run-dir/atomic-write.js';
import { EXIT_GATE_FAILED, EXIT_OK, parseArgs, withInputErrors } from './command-io.js';
import type { Io } from '../io.js';
import { compareRuns } from './compare.js';
import { DEFAULT_ALPHA } from './gate-decision.js';
import { DEFAULT_MAX_INFRA, gradedInstances, measurementProblems } from './measurement.js';
import { evaluateGate, type GateResult } from './nightly-gate.js';
import { appendHistory, type HistoryEntry } from './nightly-history.js';
import { repoRates } from './rates.js';
import { renderGateJunit, renderGateMarkdown } from './render-nightly.js';
import { loadRunSource, type RunSource } from './run-source.js';

export const NightlyArgsSchema = z.object({
  baseline: z.string().min(1).describe('baseline run directory or its report.json'),
  current: z.string().min(1).describe('tonight\'s run directory (or report.json)'),
  maxDrop: z.coerce.number().nonnegative().default(5).describe('--max-drop: allowed drop of a context\'s pooled rate, in percentage points'),
  maxInfra: z.coerce.number().min(0).max(100).default(DEFAULT_MAX_INFRA).describe('--max-infra: largest share of a context\'s cells (percent) that may fail on infrastructure'),
  alpha: z.coerce.number().gt(0).lt(1).default(DEFAULT_ALPHA).describe('--alpha: family-wise error rate of the gate\'s tests'),
  junit: z.string().optional().describe('write JUnit XML here'),
  markdown: z.string().optional().describe('write the Markdown summary here (e.g. $GITHUB_STEP_SUMMARY)'),
  history: z.string().optional().describe('append one JSON line per night here, for the HTML trend'),
  now: z.date().optional().describe('the time recorded in the history entry; defaults to now'),
});
export type NightlyArgs = z.input<typeof NightlyArgsSchema>;

function historyEntry(current: RunSource, baseline: RunSource, gate: GateResult, at: Date): HistoryEntry {
  const rates = repoRates(current.verdicts, { contexts: current.contexts, seeds: current.seeds }).flatMap((row) =>
    row.contexts.map((c) => ({ repo: row.repo, context: c.context, mean: c.rate.mean ?? null, std: c.rate.std ?? null, seeds: c.rate.perSeed.length })),
  );
  return {
    format: 'sera-eval.nightly/1',
    at: at.toISOString(),
    run_id: current.runId,
    model: current.model,
    baseline_run_id: baseline.runId,
    passed: gate.passed,
    regressions: gate.rows.filter((r) => r.regression).map((r) => `${r.repo} @ ${r.context}`),
    ...(gate.notMeasured.length > 0 ? { not_measured: gate.notMeasured } : {}),
    rates,
  };
}

export async function nightlyCommand(args: NightlyArgs, io: Io): Promise<number> {
  return withInputErrors(io, async () => {
    const options = parseArgs(NightlyArgsSchema, args, 'nightly');
    const [baseline, current] = await Promise.all([loadRunSource(options.baseline), loadRunSource(options.current)]);
    const unusable = measurementProblems(baseline, options.maxInfra);
    for (const context of baseline.contexts) {
      if (gradedInstances(baseline.verdicts.filter((v) => v.context === context)) === 0) {
        unusable.push(`${context === '-' ? 'it' : `context ${context}`} graded no instance`);
      }
    }
    if (unusable.length > 0) throw new InputError(`nightly: baseline ${options.baseline} is unusable: ${unusable.join('; ')}`);
    const comparison = compareRuns(baseline, current);
    if (comparison.instances === 0 || comparison.contexts.length === 0) {
      throw new InputError(
        `nightly: baseline ${options.baseline} and current ${options.current} share no ` +
          `${comparison.instances === 0 ? 'instance' : 'context'}; nothing to gate`,
      );
    }
    const notMeasured = measurementProblems(current, options.maxInfra, baseline);
    const gate = evaluateGate(comparison, { maxDrop: options.maxDrop, maxInfra: options.maxInfra, alpha: options.alpha }, notMeasured);
    const markdown = renderGateMarkdown(gate, comparison);
    io.stdout.write(markdown);
    if (options.markdown) await writeFileAtomic(options.markdown, markdown);
    if (options.junit) await writeFileAtomic(options.junit, renderGateJunit(gate, comparison));
    if (options.history) await appendHistory(options.history, historyEntry(current, baseline, gate, options.now ?? new Date()));
    return gate.passed ? EXIT_OK : EXIT_GATE_FAILED;
  });
}
