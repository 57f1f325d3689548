/** `report`, `compare` and `nightly`: thin wiring over the handlers in src/report/, which check their own options. */
import { z } from 'zod';
import { compareCommand } from '../../report/compare-command.js';
import { nightlyCommand } from '../../report/nightly-command.js';
import { reportCommand } from '../../report/report-command.js';
import { describeIncompleteShards, readShardStatus } from '../../report/shard-status.js';
import type { Io } from '../io.js';
import { defineCommand } from '../command.js';

const ReportFlagsSchema = z.object({
  runDir: z.string().min(1),
  format: z.string(),
  dataset: z.string().optional(),
  history: z.string().optional(),
  outDir: z.string().optional(),
});

export const reportCommandCli = defineCommand({
  name: 'report',
  flagsSchema: ReportFlagsSchema,
  configure: (command) =>
    command
      .summary('resolve rates per repository × context (mean ± std over seeds), exit statuses, patch recall')
      .argument('<run-dir>', 'a results/<run-id> directory')
      .option('--format <format>', 'table, json, markdown, csv or html (one self-contained file, or with --out-dir a directory)', 'table')
      .option('--dataset <jsonl>', 'SWE-bench JSONL with gold patches for patch recall (default: the run\'s dataset file)')
      .option('--history <jsonl>', 'nightly history file drawn as a trend in the HTML report')
      .option('--out-dir <dir>', 'html: write index.html and one page per instance here (for large runs) instead of one page to stdout'),
  async handler(flags, { io }) {
    await warnIncompleteShards([flags.runDir], io);
    return reportCommand(flags as Parameters<typeof reportCommand>[0], io);
  },
});

const CompareFlagsSchema = z.object({ runA: z.string().min(1), runB: z.string().min(1), format: z.string() });

export const compareCommandCli = defineCommand({
  name: 'compare',
  flagsSchema: CompareFlagsSchema,
  configure: (command) =>
    command
      .summary('specialized vs teacher: per repo × context rates, paired McNemar test, bootstrap CI, |Δ|/std')
      .argument('<run-a>', 'baseline (e.g. the teacher): run directory or its report.json')
      .argument('<run-b>', 'candidate (e.g. the student): run directory or its report.json')
      .option('--format <format>', 'table, markdown or json', 'table'),
  async handler(flags, { io }) {
    await warnIncompleteShards([flags.runA, flags.runB], io);
    return compareCommand({ a: flags.runA, b: flags.runB, format: flags.format } as Parameters<typeof compareCommand>[0], io);
  },
});

const NightlyFlagsSchema = z.object({
  baseline: z.string().min(1),
  current: z.string().min(1),
  maxDrop: z.string().optional(),
  maxInfra: z.string().optional(),
  alpha: z.string().optional(),
  junit: z.string().optional(),
  markdown: z.string().optional(),
  history: z.string().optional(),
});

export const nightlyCommandCli = defineCommand({
  name: 'nightly',
  flagsSchema: NightlyFlagsSchema,
  configure: (command) =>
    command
      .summary('regression gate: exit 1 on a significant drop (Holm–Bonferroni), a pooled drop beyond --max-drop, or a run that measured too little')
      .requiredOption('--baseline <run-dir|report>', 'the reference run directory or its report.json')
      .requiredOption('--current <run-dir>', "tonight's run directory")
      .option('--max-drop <pp>', "allowed drop of each context's pooled rate, in percentage points", '5')
      .option('--max-infra <percent>', "largest share of a context's cells that may fail on infrastructure before the night is 'not measured'", '5')
      .option('--alpha <a>', "family-wise error rate of the gate's tests", '0.05')
      .option('--junit <file>', 'write JUnit XML (one test case per repository × context)')
      .option('--markdown <file>', 'write a Markdown summary (e.g. $GITHUB_STEP_SUMMARY)')
      .option('--history <file>', 'append this night to a JSONL history, drawn as a trend by `report --format html`'),
  async handler(flags, { io }) {
    await warnIncompleteShards([flags.baseline, flags.current], io);
    return nightlyCommand(flags as Parameters<typeof nightlyCommand>[0], io);
  },
});

/** A sharded run read before all its workers finished: say which shards, on stderr, and go on. */
async function warnIncompleteShards(paths: readonly string[], io: Io): Promise<void> {
  for (const p of paths) {
    const status = await readShardStatus(p).catch(() => null); // a broken plan is reported by the command itself
    const note = status && describeIncompleteShards(p, status);
    if (note) io.stderr.write(`warning: ${note}`);
  }
}
