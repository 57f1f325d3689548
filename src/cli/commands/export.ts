/** `export`: thin wiring over src/report/export-command.ts. */
import type { Command } from 'commander';
import { exportCommand } from '../../report/export-command.js';
import type { Io } from '../io.js';
import type { Schedule } from '../schedule.js';

export function registerExport(program: Command, io: Io, schedule: Schedule): void {
  program
    .command('export')
    .summary('write a run as the official SWE-bench log layout or a Hugging Face .eval_results entry')
    .argument('<run-dir>', 'a results/<run-id> directory')
    .requiredOption('--format <format>', 'swebench (logs/run_evaluation/<run>/<model>/<id>/ + all_preds.jsonl) or hf-eval-results')
    .option('--output <path>', 'where to write (default: <run-dir>/export/<format>)')
    .option('--context <context>', 'the context to export, when the run has several')
    .option('--seed <seed>', 'swebench: the seed to export, when the run has several')
    .option('--dataset-id <id>', 'hf-eval-results: Hub dataset id (default: from an hf: dataset source)')
    .option('--task-id <id>', "hf-eval-results: the benchmark's task id", 'default')
    .option('--source-url <url>', 'hf-eval-results: where the evidence lives (logs, paper)')
    .option('--source-name <name>', 'hf-eval-results: display name of the source')
    .action((runDir: string, opts: Record<string, string | undefined>) =>
      schedule(() => exportCommand({ runDir, ...opts } as Parameters<typeof exportCommand>[0], io)),
    );
}
