/**
 * The nightly regression gate (README "The nightly gate"): not measured when tonight's run is
 * incomplete, graded fewer instances than the baseline, or lost too much to infrastructure;
 * otherwise a regression when a test of the family (gate-decision.ts) rejects at α after
 * Holm–Bonferroni, or the pooled rate of a context fell by more than --max-drop.
 */
import type { Comparison } from './compare.js';
import { decideGate, describeFamily, type GateTest } from './gate-decision.js';
import { ALL_REPOS } from './rates.js';

export interface GateRow {
  repo: string;
  label: string;
  context: string;
  kind: GateTest['kind'];
  instances: number;
  baseline: number | undefined;
  current: number | undefined;
  delta: number | undefined;
  /** One-sided exact McNemar p for a drop. */
  pValue: number;
  won: string[];
  lost: string[];
  minimumDetectableDrop: number | undefined;
  regression: boolean;
  /** Why it failed, for the JUnit failure message and the Markdown summary. */
  reason: string | undefined;
}

export interface GateOptions {
  maxDrop: number;
  maxInfra: number;
  alpha: number;
}

export interface GateResult {
  status: 'passed' | 'regression' | 'not_measured';
  passed: boolean;
  /** Why tonight's run is not a measurement; non-empty exactly when status is not_measured. */
  notMeasured: string[];
  options: GateOptions;
  family: string;
  rows: GateRow[];
}

export function evaluateGate(comparison: Comparison, options: GateOptions, notMeasured: readonly string[] = []): GateResult {
  const tests: GateTest[] = comparison.rows.map((r) => ({
    kind: r.repo === ALL_REPOS ? 'pooled' : 'repo',
    instances: r.paired.instances,
    won: r.paired.won.length,
    lost: r.paired.lost.length,
    delta: r.delta,
  }));
  const decisions = decideGate(tests, options);
  const rows = comparison.rows.map((r, i): GateRow => {
    const d = decisions[i]!;
    const reasons: string[] = [];
    if (d.floorBreached) reasons.push(`dropped ${(-(r.delta as number)).toFixed(2)} pp (more than --max-drop ${options.maxDrop} pp)`);
    if (d.significant) {
      reasons.push(
        `significant drop: one-sided McNemar p = ${d.pValue.toPrecision(3)} (${r.paired.lost.length} lost, ${r.paired.won.length} won), rejected by Holm at α = ${options.alpha}`,
      );
    }
    return {
      repo: r.repo,
      label: r.label,
      context: r.context,
      kind: tests[i]!.kind,
      instances: r.paired.instances,
      baseline: r.a.mean,
      current: r.b.mean,
      delta: r.delta,
      pValue: d.pValue,
      won: r.paired.won,
      lost: r.paired.lost,
      minimumDetectableDrop: d.minimumDetectableDrop,
      regression: notMeasured.length === 0 && d.regression,
      reason: reasons.length > 0 ? reasons.join('; ') : undefined,
    };
  });
  const status = notMeasured.length > 0 ? 'not_measured' : rows.some((r) => r.regression) ? 'regression' : 'passed';
  return { status, passed: status === 'passed', notMeasured: [...notMeasured], options, family: describeFamily(tests, options.alpha), rows };
}
