/**
 * The nightly regression gate: a repository × context fails when its resolve rate dropped by
 * more than the allowed percentage points, or dropped significantly on the paired test
 * (exact McNemar p < 0.05 with more instances lost than won).
 */
import type { Comparison } from './compare.js';

export const SIGNIFICANCE = 0.05;

export interface GateRow {
  repo: string;
  label: string;
  context: string;
  baseline: number | undefined;
  current: number | undefined;
  delta: number | undefined;
  pValue: number;
  won: string[];
  lost: string[];
  regression: boolean;
  /** Why it failed, for the JUnit failure message and the Markdown summary. */
  reason: string | undefined;
}

export interface GateResult {
  passed: boolean;
  maxDrop: number;
  rows: GateRow[];
}

export function evaluateGate(comparison: Comparison, maxDrop: number): GateResult {
  const rows = comparison.rows.map((r): GateRow => {
    const reasons: string[] = [];
    if (r.delta !== undefined && r.delta < -maxDrop) reasons.push(`dropped ${(-r.delta).toFixed(2)} pp (more than ${maxDrop} pp)`);
    if (r.paired.pValue < SIGNIFICANCE && r.paired.lost.length > r.paired.won.length) {
      reasons.push(`significant drop: McNemar p = ${r.paired.pValue.toPrecision(3)} (${r.paired.lost.length} lost, ${r.paired.won.length} won)`);
    }
    return {
      repo: r.repo,
      label: r.label,
      context: r.context,
      baseline: r.a.mean,
      current: r.b.mean,
      delta: r.delta,
      pValue: r.paired.pValue,
      won: r.paired.won,
      lost: r.paired.lost,
      regression: reasons.length > 0,
      reason: reasons.length > 0 ? reasons.join('; ') : undefined,
    };
  });
  return { passed: rows.every((r) => !r.regression), maxDrop, rows };
}
