/** `export`: thin wiring over src/report/export-command.ts, which checks its own options. */
import { z } from 'zod';
import { exportCommand } from '../../report/export-command.js';
import { defineCommand } from '../command.js';

const ExportFlagsSchema = z.object({
  runDir: z.string().min(1),
  format: z.string(),
  output: z.string().optional(),
  context: z.string().optional(),
  seed: z.string().optional(),
  datasetId: z.string().optional(),
  taskId: z.string(),
  sourceUrl: z.string().optional(),
  sourceName: z.string().optional(),
});

export const exportCommandCli = defineCommand({
  name: 'export',
  flagsSchema: ExportFlagsSchema,
  configure: (command) =>
    command
      .summary('write a run as the official SWE-bench log layout or a Hugging Face .eval_results entry')
      .argument('<run-dir>', 'a results/<run-id> directory')
      .requiredOption('--format <format>', 'swebench (logs/run_evaluation/<run>/<model>/<id>/ + all_preds.jsonl) or hf-eval-results')
      .option('--output <path>', 'where to write (default: <run-dir>/export/<format>)')
      .option('--context <context>', 'the context to export, when the run has several')
      .option('--seed <seed>', 'swebench: the seed to export, when the run has several')
      .option('--dataset-id <id>', 'hf-eval-results: Hub dataset id (default: from an hf: dataset source)')
      .option('--task-id <id>', "hf-eval-results: the benchmark's task id", 'default')
      .option('--source-url <url>', 'hf-eval-results: where the evidence lives (logs, paper)')
      .option('--source-name <name>', 'hf-eval-results: display name of the source'),
  handler: (flags, { io }) => exportCommand(flags as Parameters<typeof exportCommand>[0], io),
});
