import type { Summary } from '../report/summary-schema.js';

/** The few numbers a person wants when a run ends, and where the full report is. */
export function renderSummaryLine(summary: Summary, runDir: string): string {
  const pct = summary.total_instances > 0 ? ((100 * summary.resolved_instances) / summary.total_instances).toFixed(1) : '0.0';
  return (
    `resolved ${summary.resolved_instances}/${summary.total_instances} (${pct}%)` +
    ` | unresolved ${summary.unresolved_instances} | empty patch ${summary.empty_patch_instances}` +
    ` | error ${summary.error_instances} | infrastructure ${summary.infrastructure_instances}\n` +
    `report: sera-eval report ${runDir}\n`
  );
}
