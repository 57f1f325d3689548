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

const TARGETS: Record<string, { seconds: number; rssMiB: number; text: string }> = {
  table: { seconds: 3, rssMiB: 300, text: '< 3 s, < 300 MB' },
  json: { seconds: 3, rssMiB: 300, text: '< 3 s, < 300 MB' },
  html: { seconds: 10, rssMiB: Number.POSITIVE_INFINITY, text: '< 10 s, index < 5 MB' },
  // no target of its own: it reads two runs as report does one
  compare: { seconds: Number.POSITIVE_INFINITY, rssMiB: Number.POSITIVE_INFINITY, text: '–' },
};

export const realisticReportSection: Section = {
  title: 'The report command on a realistic 500 × 2 × 3 run (100-step trajectories, 32K- and 64K-sized histories)',
  needs: 'nothing',
  async run(quick): Promise<SectionResult> {
    const { results, detail, baselineRssMiB, baselineWallS } = await benchRealisticReports(quick ? { instances: 20, steps: 100, runs: 1 } : {});
    return {
      head: ['histories', 'format', 'wall (median)', 'runs', 'peak RSS', 'output', 'target', 'met'],
      rows: results.map((r) => {
        const target = TARGETS[r.format]!;
        const met = r.failure === undefined && r.wallS < target.seconds && r.peakRssMiB < target.rssMiB && (r.format !== 'html' || r.outputBytes < 5e6);
        return [
          r.history,
          r.format,
          fmt.s(r.wallS),
          r.wallsS.map((w) => w.toFixed(1)).join(' / '),
          `${r.peakRssMiB.toFixed(0)} MiB`,
          r.failure ?? `${(r.outputBytes / 1e6).toFixed(2)} MB${r.totalBytes === undefined ? '' : ` index, ${(r.totalBytes / 1e6).toFixed(0)} MB in all`}`,
          target.text,
          target.seconds === Number.POSITIVE_INFINITY ? '–' : met ? 'yes' : 'no',
        ];
      }),
      notes: [detail, `each run is one process (node + tsx); starting it and loading the report command (\`report --help\`) takes ${fmt.s(baselineWallS)} and peaks at ${baselineRssMiB.toFixed(0)} MiB, both included`],
    };
  },
};
