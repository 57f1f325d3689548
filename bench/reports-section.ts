/**
 * The report benchmarks of bench/report.ts as sections: medians of loading and rendering a big run
 * in-process, and the `report` command on a realistic full-size run against the targets.
 */
import { benchRealisticReports, benchReports } from './report.js';
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

const TARGETS: Record<string, { seconds: number; rssMiB: number }> = {
  table: { seconds: 3, rssMiB: 300 },
  json: { seconds: 3, rssMiB: 300 },
  html: { seconds: 10, rssMiB: Number.POSITIVE_INFINITY },
};

export const realisticReportSection: Section = {
  title: 'The report command on a realistic 500 × 2 × 3 run (100-step trajectories, 32K- and 64K-sized histories)',
  needs: 'nothing',
  async run(quick): Promise<SectionResult> {
    const { results, detail, baselineRssMiB, baselineWallS } = await benchRealisticReports(quick ? { instances: 20, steps: 100 } : {});
    return {
      head: ['histories', 'format', 'wall', 'peak RSS', 'output', 'target', 'met'],
      rows: results.map((r) => {
        const target = TARGETS[r.format]!;
        const met = r.failure === undefined && r.wallS < target.seconds && r.peakRssMiB < target.rssMiB && (r.format !== 'html' || r.outputBytes < 5e6);
        return [
          r.history,
          r.format,
          fmt.s(r.wallS),
          `${r.peakRssMiB.toFixed(0)} MiB`,
          r.failure ?? `${(r.outputBytes / 1e6).toFixed(2)} MB${r.totalBytes === undefined ? '' : ` index, ${(r.totalBytes / 1e6).toFixed(0)} MB in all`}`,
          r.format === 'html' ? '< 10 s, index < 5 MB' : '< 3 s, < 300 MB',
          met ? 'yes' : 'no',
        ];
      }),
      notes: [detail, `each row is one process (node + tsx); node with tsx alone takes ${fmt.s(baselineWallS)} and peaks at ${baselineRssMiB.toFixed(0)} MiB (\`--help\`), both included`],
    };
  },
};
