/**
 * The nightly gate's decision over one family of paired tests, kept free of I/O so it can be
 * simulated night after night (test/unit/report/gate-simulation.test.ts).
 *
 * The family: per context, the pooled test over all instances, and every repository × context
 * cell. Each test is the one-sided exact McNemar test for a drop; Holm–Bonferroni across the
 * whole family keeps the chance that an unchanged checkpoint fails any test at most α. The
 * --max-drop floor applies to the pooled rate of each context: it fails when that rate falls
 * further than the floor, significant or not. It is not applied to single repositories, where one
 * flipped instance of a small repository is already several points (that is what cried wolf).
 */
import { holmRejections, mcnemarDropPValue, minimumDetectableDrop } from './stats.js';

export const DEFAULT_ALPHA = 0.05;

export interface GateTest {
  kind: 'pooled' | 'repo';
  /** Instances graded in both runs. */
  instances: number;
  /** Majority-resolved in the current run only (won) and in the baseline only (lost). */
  won: number;
  lost: number;
  /** Current − baseline rate in percentage points; undefined when a side has no graded seed. */
  delta: number | undefined;
}

export interface GateTestDecision {
  /** One-sided exact McNemar p for a drop. */
  pValue: number;
  /** Rejected by Holm–Bonferroni across the family at α. */
  significant: boolean;
  /** Pooled rate fell by more than --max-drop. */
  floorBreached: boolean;
  regression: boolean;
  /** The drop (pp) this test would catch with 80 % power at α/m, the level a lone drop must meet. */
  minimumDetectableDrop: number | undefined;
}

export interface GateDecisionOptions {
  alpha: number;
  maxDrop: number;
}

export function decideGate(tests: readonly GateTest[], options: GateDecisionOptions): GateTestDecision[] {
  const pValues = tests.map((t) => mcnemarDropPValue(t.lost, t.won));
  const rejected = holmRejections(pValues, options.alpha);
  const loneLevel = options.alpha / Math.max(1, tests.length);
  return tests.map((t, i) => {
    const significant = rejected[i] === true && t.lost > t.won;
    const floorBreached = t.kind === 'pooled' && t.delta !== undefined && t.delta < -options.maxDrop;
    return {
      pValue: pValues[i] as number,
      significant,
      floorBreached,
      regression: significant || floorBreached,
      minimumDetectableDrop: minimumDetectableDrop(t.instances, t.instances > 0 ? (t.won + t.lost) / t.instances : 0, loneLevel),
    };
  });
}

/** The family in words, for every gate output. */
export function describeFamily(tests: readonly GateTest[], alpha: number): string {
  const pooled = tests.filter((t) => t.kind === 'pooled').length;
  const cells = tests.length - pooled;
  return (
    `family of ${tests.length} one-sided exact McNemar tests (${pooled} pooled per context + ${cells} repository × context cells), ` +
    `Holm–Bonferroni at α = ${alpha}`
  );
}
