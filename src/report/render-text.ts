/** Terminal table (cli-table3), Markdown and CSV renderings of a report. */
import Table from 'cli-table3';
import { SEEDS_NOTE, activityGrid, ratesGrid, reportPreamble, reportTitle, seedsGrid, type Grid } from './report-grid.js';
import type { ReportView } from './report-view.js';
import { DEFINITIONS } from './vocabulary.js';

export function gridToTable(grid: Grid): string {
  const table = new Table({
    head: grid.header,
    style: { head: [], border: [], compact: true },
    colAligns: grid.header.map((_, i) => (i === 0 ? 'left' : 'right')),
  });
  for (const row of grid.rows) table.push(row);
  return table.toString();
}

function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function gridToMarkdown(grid: Grid): string {
  const line = (cells: string[]): string => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [line(grid.header), line(grid.header.map((_, i) => (i === 0 ? '---' : '---:'))), ...grid.rows.map(line)].join('\n');
}

function sections(view: ReportView, format: (grid: Grid) => string, heading: (text: string) => string): string {
  const parts = [heading(reportTitle(view)), heading('Run card'), view.card.join('\n'), reportPreamble(view).join('\n'), format(ratesGrid(view))];
  const seeds = seedsGrid(view);
  if (seeds) {
    const flaky = view.seedStats.filter((s) => s.flaky.length > 0).map((s) => `flaky${s.context === '-' ? '' : ` @ ${s.context}`}: ${s.flaky.join(' ')}`);
    parts.push(heading('Across seeds'), format(seeds), [...flaky, SEEDS_NOTE].join('\n'));
  }
  const activity = activityGrid(view);
  if (activity) parts.push(heading('Rollouts per context (means per rollout)'), format(activity));
  return `${parts.join('\n\n')}\n`;
}

export function renderTable(view: ReportView): string {
  return sections(view, gridToTable, (text) => text);
}

export function renderMarkdown(view: ReportView): string {
  return sections(view, gridToMarkdown, (text) => `## ${markdownCell(text)}`);
}

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line per repository × context with raw numbers, for spreadsheets and scripts. */
export function renderCsv(view: ReportView): string {
  const header = [
    'repo', 'context', 'instances', 'seeds', 'resolved', 'instances_measured', 'official_rate_mean', 'official_rate_std', 'official_per_seed_rates',
    'graded', 'excl_infra_rate_mean', 'excl_infra_rate_std', 'excl_infra_per_seed_rates',
    'errors', 'empty_patches', 'infrastructure', 'not_submitted', 'pending',
    'official_ci95_low', 'official_ci95_high', 'excl_infra_ci95_low', 'excl_infra_ci95_high', 'mean_recall',
  ];
  const lines = [header.join(',')];
  for (const row of view.rows) {
    row.contexts.forEach((c, i) => {
      lines.push(
        [
          row.repo, c.context, row.instanceIds.length, c.seeds.length, c.resolved, c.measured,
          c.official.mean?.toFixed(4), c.official.std?.toFixed(4), c.official.perSeed.map((r) => r.toFixed(4)).join(' '),
          c.graded, c.rate.mean?.toFixed(4), c.rate.std?.toFixed(4), c.rate.perSeed.map((r) => r.toFixed(4)).join(' '),
          c.errors, c.emptyPatches, c.infrastructure, c.notSubmitted, c.pending,
          c.officialCi?.low.toFixed(4), c.officialCi?.high.toFixed(4), c.ci?.low.toFixed(4), c.ci?.high.toFixed(4), row.recall[i]?.toFixed(4),
        ].map(csvCell).join(','),
      );
    });
  }
  return `${lines.join('\n')}\n`;
}

/** The summary (official fields and breakdowns) with the computed rates and rollout activity. */
export function renderJson(view: ReportView): string {
  const rates = view.rows.map((row) => ({
    repo: row.repo,
    instances: row.instanceIds.length,
    contexts: row.contexts.map((c, i) => ({ ...c, mean_recall: row.recall[i] ?? null })),
  }));
  const status = view.inProgress ? 'in_progress' : 'finished';
  return `${JSON.stringify({ status, run_card: view.card, definitions: DEFINITIONS, summary: view.summary, rates, seed_stats: view.seedStats, activity: view.activity }, null, 2)}\n`;
}
