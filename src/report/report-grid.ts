/**
 * The two tables of a report as rows of display strings, shared by the terminal table and
 * Markdown: resolve rates per repository × context, and rollout activity per context.
 */
import { ExitStatusSchema } from '../run-dir/schemas.js';
import { formatCi } from './rates.js';
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
    header.push(`${c}95% CI official`, `${c}95% CI excl. infra`, `${c}recall`);
  }
  const rows = view.rows.map((row) => {
    const cells = [row.label, String(row.instanceIds.length)];
    row.contexts.forEach((c, i) => {
      cells.push(officialText(c), excludingInfraText(c), String(c.infrastructure), String(c.errors));
      if (view.inProgress) cells.push(String(c.pending));
      cells.push(formatCi(c.officialCi), formatCi(c.ci), formatPercent(row.recall[i]));
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

/** pass@k, pass^k and flaky instances per context, when some instance was graded on more than one seed. */
export function seedsGrid(view: ReportView): Grid | undefined {
  const k = Math.max(0, ...view.seedStats.map((s) => s.seeds));
  if (k < 2) return undefined;
  const ks = Array.from({ length: k }, (_, i) => i + 1);
  const header = ['Context', ...ks.map((i) => `pass@${i} %`), ...ks.map((i) => `pass^${i} %`), 'flaky instances'];
  const rows = view.seedStats.map((s) => [
    s.context,
    ...ks.map((i) => formatNumber(s.passAt[i - 1]?.passAt, 2)),
    ...ks.map((i) => formatNumber(s.passAt[i - 1]?.passHat, 2)),
    String(s.flaky.length),
  ]);
  return { header, rows };
}

export const SEEDS_NOTE =
  'pass@k: chance that at least one of k seeds resolves (unbiased estimator of Chen et al. 2021); pass^k: that all k do; over instances graded on at least k seeds, infrastructure failures left out. Flaky: resolved on some seeds and not on others. CIs: 95 %, normal, clustered by instance.';

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
