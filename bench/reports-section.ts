/** The report benchmark of bench/report.ts as a section: medians of loading and rendering a big run. */
import { benchReports } from './report.js';
import type { Section, SectionResult } from './section.js';
import { fmt } from './stats.js';

export const reportsSection: Section = {
  title: 'Reports (loadRun, the report view and every output format)',
  needs: 'nothing',
  async run(quick): Promise<SectionResult> {
    const results = await benchReports(quick ? { instances: 100, runs: 2 } : {});
    const common = results[0]?.detail ?? '';
    const extras = results.filter((r) => r.detail !== common).map((r) => `${r.name.replace(/^report: /, '')}: ${r.detail.replace(`${common}; `, '')}`);
    return {
      head: ['step', 'median', 'runs'],
      rows: results.map((r) => [r.name.replace(/^report: /, ''), fmt.ms(r.medianMs), String(r.runs)]),
      notes: [common, ...extras],
    };
  },
};
