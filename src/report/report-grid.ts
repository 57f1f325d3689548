/**
 * The two tables of a report as rows of display strings, shared by the terminal table and
 * Markdown: resolve rates per repository × context, and rollout activity per context.
 */
import { ExitStatusSchema } from '../run-dir/schemas.js';
import type { ReportView } from './report-view.js';
import { DEFINITIONS, EXCLUDING_INFRA, OFFICIAL, excludingInfraText, officialText } from './vocabulary.js';

export interface Grid {
  header: string[];
  rows: string[][];
}

const NONE = '–';

export function formatNumber(value: number | undefined, digits = 1): string {
  return value === undefined ? NONE : value.toFixed(digits);
}

export function formatPercent(share: number | undefined): string {
  return share === undefined ? NONE : `${(100 * share).toFixed(1)}%`;
}

function contextLabel(context: string): string {
  return context === '-' ? '' : `${context} `;
}

export function ratesGrid(view: ReportView): Grid {
  const header = ['Repository', 'Instances'];
  for (const context of view.contexts) {
    const c = contextLabel(context);
    header.push(`${c}${OFFICIAL} [resolved/instances]`, `${c}${EXCLUDING_INFRA} [resolved/graded]`, `${c}infra`, `${c}errors`);
    if (view.inProgress) header.push(`${c}pending`);
    header.push(`${c}recall`);
  }
  const rows = view.rows.map((row) => {
    const cells = [row.label, String(row.instanceIds.length)];
    row.contexts.forEach((c, i) => {
      cells.push(officialText(c), excludingInfraText(c), String(c.infrastructure), String(c.errors));
      if (view.inProgress) cells.push(String(c.pending));
      cells.push(formatPercent(row.recall[i]));
    });
    return cells;
  });
  return { header, rows };
}

/** Exit statuses in the schema's order, then any others, keeping only those that occurred. */
function exitStatusColumns(view: ReportView): string[] {
  const seen = new Set(view.activity.flatMap((a) => Object.keys(a.exitStatuses)));
  const known = ExitStatusSchema.options.filter((s) => seen.has(s));
  return [...known, ...[...seen].filter((s) => !(known as string[]).includes(s)).sort()];
}

export function activityGrid(view: ReportView): Grid | undefined {
  if (view.activity.length === 0) return undefined;
  const statuses = exitStatusColumns(view);
  const header = ['Context', 'Rollouts', ...statuses, 'mean steps', 'tokens in', 'tokens out', 'model s', 'tool s'];
  const rows = view.activity.map((a) => [
    a.context,
    String(a.rollouts),
    ...statuses.map((s) => String(a.exitStatuses[s] ?? 0)),
    formatNumber(a.meanSteps),
    formatNumber(a.meanPromptTokens, 0),
    formatNumber(a.meanCompletionTokens, 0),
    formatNumber(a.meanModelTimeS),
    formatNumber(a.meanToolTimeS),
  ]);
  return { header, rows };
}

export function reportTitle(view: ReportView): string {
  const seeds = view.seeds.filter((s) => s !== '-');
  const seedText = seeds.length > 0 ? `, seeds ${seeds.join(',')}` : '';
  return `Run ${view.runId} — ${view.model}${seedText}`;
}

/** What a reader must know before reading any number: whether the run has finished, and the definitions. */
export function reportPreamble(view: ReportView): string[] {
  const lines: string[] = [];
  if (view.inProgress) {
    const pending = view.verdicts.filter((v) => v.verdict === 'pending').length;
    lines.push(
      `IN PROGRESS (or interrupted): ${view.verdicts.length - pending} of ${view.verdicts.length} cells finished, ${pending} pending; pending cells are in no rate.`,
    );
  }
  lines.push(DEFINITIONS);
  return lines;
}
