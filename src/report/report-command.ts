/** `sera-eval report RUN_DIR --format table|json|markdown|csv|html`. */
import { z } from 'zod';
import { parseArgs, withInputErrors, EXIT_OK, type CommandIo } from './command-io.js';
import { failingTestOutputs, loadRun } from './load-run.js';
import { readHistory } from './nightly-history.js';
import { renderHtml } from './render-html.js';
import { renderCsv, renderJson, renderMarkdown, renderTable } from './render-text.js';
import { buildReportView } from './report-view.js';

export const ReportFormatSchema = z.enum(['table', 'json', 'markdown', 'csv', 'html']);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

export const ReportArgsSchema = z.object({
  runDir: z.string().min(1).describe('a results/<run-id> directory'),
  format: ReportFormatSchema.default('table').describe('output format'),
  dataset: z.string().optional().describe('SWE-bench JSONL with gold patches, for patch recall; default: run.json dataset.source'),
  history: z.string().optional().describe('nightly history JSONL drawn as a trend in the HTML report'),
});
export type ReportArgs = z.input<typeof ReportArgsSchema>;

export async function reportCommand(args: ReportArgs, io: CommandIo): Promise<number> {
  return withInputErrors(io, async () => {
    const { runDir, format, dataset, history } = parseArgs(ReportArgsSchema, args, 'report');
    const run = await loadRun(runDir, dataset === undefined ? {} : { dataset });
    const view = buildReportView(run);
    const render = {
      table: () => renderTable(view),
      json: () => renderJson(view),
      markdown: () => renderMarkdown(view),
      csv: () => renderCsv(view),
      html: async () =>
        renderHtml(view, run, { history: history === undefined ? [] : await readHistory(history), testOutputs: await failingTestOutputs(run) }),
    }[format];
    io.stdout.write(await render());
    return EXIT_OK;
  });
}
