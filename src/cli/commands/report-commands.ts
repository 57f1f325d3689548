/** `report`, `compare` and `nightly`: thin wiring over the handlers in src/report/. */
import type { Command } from 'commander';
import { compareCommand } from '../../report/compare-command.js';
import { nightlyCommand } from '../../report/nightly-command.js';
import { reportCommand } from '../../report/report-command.js';
import { describeIncompleteShards, readShardStatus } from '../../report/shard-status.js';
import type { Io } from '../io.js';
import type { Schedule } from '../schedule.js';

export function registerReportCommands(program: Command, io: Io, schedule: Schedule): void {
  program
    .command('report')
    .summary('resolve rates per repository × context (mean ± std over seeds), exit statuses, patch recall')
    .argument('<run-dir>', 'a results/<run-id> directory')
    .option('--format <format>', 'table, json, markdown, csv or html (one self-contained file, or with --out-dir a directory)', 'table')
    .option('--dataset <jsonl>', 'SWE-bench JSONL with gold patches for patch recall (default: the run\'s dataset file)')
    .option('--history <jsonl>', 'nightly history file drawn as a trend in the HTML report')
    .option('--out-dir <dir>', 'html: write index.html and one page per instance here (for large runs) instead of one page to stdout')
    .action((runDir: string, opts: { format: string; dataset?: string; history?: string; outDir?: string }) =>
      schedule(async () => {
        await warnIncompleteShards([runDir], io);
        return reportCommand({ runDir, ...opts } as Parameters<typeof reportCommand>[0], io);
      }),
    );

  program
    .command('compare')
    .summary('specialized vs teacher: per repo × context rates, paired McNemar test, bootstrap CI, |Δ|/std')
    .argument('<run-a>', 'baseline (e.g. the teacher): run directory or its report.json')
    .argument('<run-b>', 'candidate (e.g. the student): run directory or its report.json')
    .option('--format <format>', 'table, markdown or json', 'table')
    .action((a: string, b: string, opts: { format: string }) =>
      schedule(async () => {
        await warnIncompleteShards([a, b], io);
        return compareCommand({ a, b, format: opts.format } as Parameters<typeof compareCommand>[0], io);
      }),
    );

  program
    .command('nightly')
    .summary('regression gate: exit 1 on a significant drop (Holm–Bonferroni), a pooled drop beyond --max-drop, or a run that measured too little')
    .requiredOption('--baseline <run-dir|report>', 'the reference run directory or its report.json')
    .requiredOption('--current <run-dir>', "tonight's run directory")
    .option('--max-drop <pp>', "allowed drop of each context's pooled rate, in percentage points", '5')
    .option('--max-infra <percent>', "largest share of a context's cells that may fail on infrastructure before the night is 'not measured'", '5')
    .option('--alpha <a>', "family-wise error rate of the gate's tests", '0.05')
    .option('--junit <file>', 'write JUnit XML (one test case per repository × context)')
    .option('--markdown <file>', 'write a Markdown summary (e.g. $GITHUB_STEP_SUMMARY)')
    .option('--history <file>', 'append this night to a JSONL history, drawn as a trend by `report --format html`')
    .action(
      (opts: { baseline: string; current: string; maxDrop?: string; maxInfra?: string; alpha?: string; junit?: string; markdown?: string; history?: string }) =>
        schedule(async () => {
          await warnIncompleteShards([opts.baseline, opts.current], io);
          return nightlyCommand(opts as Parameters<typeof nightlyCommand>[0], io);
        }),
    );
}

/** A sharded run read before all its workers finished: say which shards, on stderr, and go on. */
async function warnIncompleteShards(paths: readonly string[], io: Io): Promise<void> {
  for (const p of paths) {
    const status = await readShardStatus(p).catch(() => null); // a broken plan is reported by the command itself
    const note = status && describeIncompleteShards(p, status);
    if (note) io.stderr.write(`warning: ${note}`);
  }
}
