/** The nightly gate as a Markdown job summary and as JUnit XML (one testcase per repository × context). */
import type { Comparison } from './compare.js';
import type { GateResult, GateRow } from './nightly-gate.js';
import { formatPValue } from './render-compare.js';
import { gridToMarkdown } from './render-text.js';

const rate = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(2));
const where = (r: GateRow): string => (r.context === '-' ? r.label : `${r.label} @ ${r.context}`);

export function renderGateMarkdown(gate: GateResult, comparison: Comparison): string {
  const grid = {
    header: ['Repository', 'Context', 'baseline %', 'current %', 'Δ pp', 'McNemar p', 'won/lost', 'gate'],
    rows: gate.rows.map((r) => [
      r.label,
      r.context === '-' ? '' : r.context,
      rate(r.baseline),
      rate(r.current),
      r.delta === undefined ? '–' : `${r.delta > 0 ? '+' : ''}${r.delta.toFixed(2)}`,
      formatPValue(r.pValue),
      `${r.won.length}/${r.lost.length}`,
      r.regression ? '❌ regression' : '✅',
    ]),
  };
  const failures = gate.rows.filter((r) => r.regression).map((r) => `- **${where(r)}**: ${r.reason}; lost ${r.lost.join(' ') || '–'}`);
  const lines = [
    `## Nightly gate: ${gate.passed ? 'passed' : 'FAILED'}`,
    '',
    `Baseline ${comparison.a.runId} (${comparison.a.model}) → current ${comparison.b.runId} (${comparison.b.model}); ` +
      `${comparison.instances} instances in both; max drop ${gate.maxDrop} pp, significance p < 0.05.`,
    ...comparison.warnings.map((w) => `\n> **warning:** ${w}`),
    '',
    gridToMarkdown(grid),
    ...(failures.length > 0 ? ['', ...failures] : []),
  ];
  return `${lines.join('\n')}\n`;
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] as string);
}

export function renderGateJunit(gate: GateResult, comparison: Comparison): string {
  const failures = gate.rows.filter((r) => r.regression).length;
  const cases = gate.rows.map((r) => {
    const name = xml(where(r));
    const detail = `baseline ${rate(r.baseline)}%, current ${rate(r.current)}%, McNemar p ${formatPValue(r.pValue)}, lost: ${r.lost.join(' ') || '-'}`;
    const body = r.regression ? `<failure message="${xml(r.reason ?? 'regression')}" type="regression">${xml(detail)}</failure>` : '';
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
