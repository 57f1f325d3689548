/**
 * `npm run bench [-- --quick] [--only <section>...]`: the speed and memory targets, measured side
 * by side in one process and printed as compact tables. A failing section prints its error and the
 * next one runs; the exit status is 1 when any section failed.
 */
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { installCleanupHandlers } from '../src/environment/docker/container-registry.js';
import { bashRoundTripSection } from './bash-round-trip.js';
import { cellStartSection } from './cell-start.js';
import { NoDaemonError, checkDaemon, type DaemonStatus } from './docker-check.js';
import { gradingOverheadSection } from './grading-overhead.js';
import { pipelineEfficiencySection } from './pipeline-efficiency.js';
import { realisticReportSection, reportsSection } from './reports-section.js';
import { scaleSection } from './scale.js';
import { toolStepSection } from './tool-step.js';
import { renderSection, type Section, type SectionResult } from './section.js';

const SECTIONS = {
  grading: gradingOverheadSection,
  'cell-start': cellStartSection,
  shell: bashRoundTripSection,
  'tool-step': toolStepSection,
  pipeline: pipelineEfficiencySection,
  reports: reportsSection,
  scale: scaleSection,
  'report-command': realisticReportSection,
} satisfies Record<string, Section>;
type SectionName = keyof typeof SECTIONS;
const SECTION_NAMES = Object.keys(SECTIONS) as SectionName[];

const BenchFlagsSchema = z.object({
  quick: z.boolean().default(false),
  only: z.array(z.enum(SECTION_NAMES as [SectionName, ...SectionName[]])).optional(),
});
type BenchFlags = z.infer<typeof BenchFlagsSchema>;

function parseFlags(argv: string[]): BenchFlags {
  const program = new Command('npm run bench --')
    .description('speed and memory of the harness, measured side by side')
    .option('--quick', 'fewer iterations (a smoke run, not a measurement)')
    .addOption(new Option('--only <sections...>', 'run only these sections').choices(SECTION_NAMES))
    .exitOverride()
    .parse(argv);
  return BenchFlagsSchema.parse(program.opts());
}

async function runSection(section: Section, quick: boolean, daemon: () => Promise<DaemonStatus>): Promise<SectionResult> {
  if (section.needs === 'nothing') return section.run(quick);
  const status = await daemon();
  if (!status.ok) throw new NoDaemonError(status.reason);
  return section.run(quick, status.docker);
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv);
  // Ctrl-C during a Docker section must not leave its containers running
  installCleanupHandlers();
  const names = flags.only ?? SECTION_NAMES;
  let daemon: Promise<DaemonStatus> | undefined;
  const checkOnce = () => (daemon ??= checkDaemon());
  const failed: string[] = [];
  console.log(`sera-eval bench${flags.quick ? ' --quick' : ''}: node ${process.version}, ${new Date().toISOString()}\n`);
  for (const name of names) {
    const section = SECTIONS[name];
    const started = performance.now();
    try {
      const result = await runSection(section, flags.quick, checkOnce);
      console.log(renderSection(section.title, result));
    } catch (err) {
      failed.push(name);
      const shown = err instanceof NoDaemonError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.log(`== ${section.title}\n   FAILED: ${shown}`);
    }
    console.log(`   (${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  if (failed.length > 0) console.log(`failed sections: ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  // commander has printed the message (or the help, which is not a failure)
  if (!(err instanceof CommanderError)) throw err;
  process.exitCode = err.exitCode === 0 ? 0 : 2;
}
