/** The nightly gate as a Markdown job summary and as JUnit XML (one testcase per repository × context). */
import type { Comparison, ComparisonRow } from './compare.js';
import type { GateResult, GateRow } from './nightly-gate.js';
import { formatPValue } from './render-compare.js';
import { gridToMarkdown } from './render-text.js';
import { DEFINITIONS, excludingInfraText, officialText } from './vocabulary.js';

const rate = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(2));
const where = (r: GateRow): string => (r.context === '-' ? r.label : `${r.label} @ ${r.context}`);
const HEADLINE = { passed: 'passed', regression: 'FAILED', not_measured: 'FAILED: not measured' } as const;

function verdictCell(r: GateRow, gate: GateResult): string {
  if (gate.status === 'not_measured') return '⛔ not measured';
  return r.regression ? '❌ regression' : '✅';
}

function counts(c: ComparisonRow['countsA'] | undefined, text: (c: ComparisonRow['countsA']) => string): string {
  return c === undefined ? '–' : text(c);
}

export function renderGateMarkdown(gate: GateResult, comparison: Comparison): string {
  const grid = {
    header: [
      'Repository', 'Context', 'instances graded in both', 'baseline official %', 'current official %', 'baseline excl. infra %', 'current excl. infra %',
      'current infra', 'Δ pp (excl. infra)', 'p (one-sided)', 'won/lost', 'min. detectable drop pp', 'gate',
    ],
    rows: gate.rows.map((r, i) => {
      const c = comparison.rows[i]!;
      return [
        r.label,
        r.context === '-' ? '' : r.context,
        String(r.instances),
        officialText(c.countsA),
        counts(c.countsB, officialText),
        excludingInfraText(c.countsA),
        counts(c.countsB, excludingInfraText),
        String(c.countsB?.infrastructure ?? 0),
        r.delta === undefined ? '–' : `${r.delta > 0 ? '+' : ''}${r.delta.toFixed(2)}`,
        formatPValue(r.pValue),
        `${r.won.length}/${r.lost.length}`,
        rate(r.minimumDetectableDrop),
        verdictCell(r, gate),
      ];
    }),
  };
  const failures = gate.rows.filter((r) => r.regression).map((r) => `- **${where(r)}**: ${r.reason}; lost ${r.lost.join(' ') || '–'}`);
  const notMeasured = gate.notMeasured.map((reason) => `- **not measured:** ${reason}`);
  const { maxDrop, maxInfra } = gate.options;
  const lines = [
    `## Nightly gate: ${HEADLINE[gate.status]}`,
    '',
    `Baseline ${comparison.a.runId} (${comparison.a.model}) → current ${comparison.b.runId} (${comparison.b.model}); ` +
      `${comparison.instances} instances in both.`,
    '',
    `Decision: ${gate.family}; --max-drop ${maxDrop} pp on each context's pooled rate; ` +
      `not measured when the run is incomplete, ran fewer instances than the baseline, or is above --max-infra ${maxInfra} % infrastructure. ` +
      `Min. detectable drop: 80 % power at α/${gate.rows.length}.`,
    ...(notMeasured.length > 0 ? ['', ...notMeasured] : []),
    ...comparison.warnings.map((w) => `\n> **warning:** ${w}`),
    '',
    gridToMarkdown(grid),
    ...(failures.length > 0 ? ['', ...failures] : []),
    '',
    `_${DEFINITIONS}_`,
  ];
  return `${lines.join('\n')}\n`;
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] as string);
}

export function renderGateJunit(gate: GateResult, comparison: Comparison): string {
  const notMeasured = gate.status === 'not_measured';
  const failing = (r: GateRow): boolean => notMeasured || r.regression;
  const failures = gate.rows.filter(failing).length;
  const cases = gate.rows.map((r) => {
    const name = xml(where(r));
    const detail =
      `baseline ${rate(r.baseline)}%, current ${rate(r.current)}% (excl. infra), one-sided McNemar p ${formatPValue(r.pValue)}, ` +
      `min. detectable drop ${rate(r.minimumDetectableDrop)} pp, lost: ${r.lost.join(' ') || '-'}`;
    const body = notMeasured
      ? `<failure message="${xml(`not measured: ${gate.notMeasured.join('; ')}`)}" type="not_measured">${xml(detail)}</failure>`
      : r.regression
        ? `<failure message="${xml(r.reason ?? 'regression')}" type="regression">${xml(detail)}</failure>`
        : '';
    return `    <testcase classname="sera-eval.nightly" name="${name}">${body}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sera-eval nightly" tests="${gate.rows.length}" failures="${failures}">`,
    `  <testsuite name="${xml(`${comparison.a.runId} -> ${comparison.b.runId}`)}" tests="${gate.rows.length}" failures="${failures}" errors="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
