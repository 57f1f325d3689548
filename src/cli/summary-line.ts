import { verdictsFromSummary } from '../report/build-summary.js';
import { ALL_REPOS, repoRates } from '../report/rates.js';
import type { Summary } from '../report/summary-schema.js';
import { DEFINITIONS, rateSentence } from '../report/vocabulary.js';

/**
 * The few numbers a person wants when a run ends, and where the full report is. The rates are the
 * report's All row, computed by the same code, so the two agree to the digit.
 */
export function renderSummaryLine(summary: Summary, runDir: string): string {
  const verdicts = verdictsFromSummary(summary);
  const all = repoRates(verdicts, { contexts: summary.contexts, seeds: summary.seeds }).find((r) => r.repo === ALL_REPOS);
  const lines = (all?.contexts ?? []).map((c) => `${c.context === '-' ? '' : `${c.context}: `}${rateSentence(c)}`);
  return (
    `${lines.join('\n')}\n` +
    `unresolved ${summary.unresolved_instances} | empty patch ${summary.empty_patch_instances}` +
    ` | error ${summary.error_instances} | infrastructure ${summary.infrastructure_instances} (cells)\n` +
    `${DEFINITIONS}\n` +
    `report: sera-eval report ${runDir}\n`
  );
}
