/** Terminal table, Markdown and JSON renderings of a comparison of two runs. */
import { ALL_REPOS, formatRate } from './rates.js';
import type { Comparison, ComparisonRow } from './compare.js';
import { gridToMarkdown, gridToTable } from './render-text.js';
import type { Grid } from './report-grid.js';
import { DEFINITIONS, excludingInfraText, officialText } from './vocabulary.js';

function signed(value: number | undefined, digits = 2): string {
  if (value === undefined) return '–';
  return `${value > 0 ? '+' : ''}${value.toFixed(digits)}`;
}

export function formatPValue(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

function contextName(context: string): string {
  return context === '-' ? '' : context;
}

export function comparisonGrid(comparison: Comparison): Grid {
  const header = [
    'Repository', 'Context', 'A official %', 'B official %', 'A excl. infra %', 'B excl. infra %', 'A/B infra',
    'Δ pp (excl. infra)', '95% CI (paired)', 'McNemar p', 'won/lost', 'min. detectable pp', 'SNR', 'seeds needed',
  ];
  const rows = comparison.rows.map((r) => [
    r.label,
    contextName(r.context),
    officialText(r.countsA),
    r.countsB ? officialText(r.countsB) : formatRate(r.b),
    excludingInfraText(r.countsA),
    r.countsB ? excludingInfraText(r.countsB) : formatRate(r.b),
    `${r.countsA.infrastructure}/${r.countsB?.infrastructure ?? 0}`,
    signed(r.delta),
    r.paired.ci ? `[${signed(r.paired.ci.low)}, ${signed(r.paired.ci.high)}]` : '–',
    formatPValue(r.paired.pValue),
    `${r.paired.won.length}/${r.paired.lost.length}`,
    r.paired.minimumDetectable === undefined ? '–' : r.paired.minimumDetectable.toFixed(2),
    r.snr ? `${Number.isFinite(r.snr.snr) ? r.snr.snr.toFixed(2) : '∞'} (${r.snr.reading})` : '– (one seed)',
    r.snr?.seedsNeeded === undefined ? '–' : String(r.snr.seedsNeeded),
  ]);
  return { header, rows };
}

function heading(comparison: Comparison): string[] {
  return [
    `A: ${comparison.a.runId} (${comparison.a.model})`,
    `B: ${comparison.b.runId} (${comparison.b.model})`,
    `${comparison.instances} instances in both; contexts ${comparison.contexts.map(contextName).join(', ') || '(none)'}`,
  ];
}

/** Won and lost instance ids, per repository row (the All row would only repeat them). */
function changes(rows: readonly ComparisonRow[]): string[] {
  return rows
    .filter((r) => r.repo !== ALL_REPOS && r.paired.won.length + r.paired.lost.length > 0)
    .map((r) => {
      const where = `${r.label}${r.context === '-' ? '' : ` @ ${r.context}`}`;
      return `${where}: won ${r.paired.won.join(' ') || '–'}; lost ${r.paired.lost.join(' ') || '–'}`;
    });
}

const PAIRING_NOTE =
  'Paired test: exact McNemar on instances graded in both runs, an instance counting as resolved when a strict majority of its seeds is; CI: bootstrap over instances of the per-instance difference in share of seeds resolved. min. detectable: the difference McNemar (p < 0.05, two-sided) would see with 80 % power on these instances. SNR = |Δ| / pooled seed std (<1 noise, 1–2 borderline, >2 likely real); seeds needed ≈ (2·std/Δ)².';

export function renderComparisonTable(comparison: Comparison): string {
  const warnings = comparison.warnings.map((w) => `warning: ${w}`);
  return `${[...heading(comparison), ...warnings, '', gridToTable(comparisonGrid(comparison)), '', ...changes(comparison.rows), '', PAIRING_NOTE, DEFINITIONS].join('\n')}\n`;
}

export function renderComparisonMarkdown(comparison: Comparison): string {
  const warnings = comparison.warnings.map((w) => `> **warning:** ${w}`);
  const lines = [
    `## Compare ${comparison.a.runId} → ${comparison.b.runId}`,
    '',
    ...heading(comparison).map((h) => `- ${h}`),
    ...(warnings.length > 0 ? ['', ...warnings] : []),
    '',
    gridToMarkdown(comparisonGrid(comparison)),
    '',
    ...changes(comparison.rows).map((c) => `- ${c}`),
    '',
    `_${PAIRING_NOTE}_`,
    '',
    `_${DEFINITIONS}_`,
  ];
  return `${lines.join('\n')}\n`;
}

export function renderComparisonJson(comparison: Comparison): string {
  return `${JSON.stringify(comparison, (_key, value: unknown) => (value === Infinity ? 'Infinity' : value), 2)}\n`;
}
