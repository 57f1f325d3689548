/** `sera-eval report RUN_DIR --format table|json|markdown|csv|html`. */
import { once } from 'node:events';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { parseArgs, withInputErrors, EXIT_OK } from './command-io.js';
import type { Io } from '../io.js';
import { failingTestOutputs, loadRun } from './load-run.js';
import { readHistory } from './nightly-history.js';
import { writeHtmlDirectory, writeHtmlPage } from './render-html.js';
import { renderCsv, renderJson, renderMarkdown, renderTable } from './render-text.js';
import { buildReportView } from './report-view.js';

export const ReportFormatSchema = z.enum(['table', 'json', 'markdown', 'csv', 'html']);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

export const ReportArgsSchema = z.object({
  runDir: z.string().min(1).describe('a results/<run-id> directory'),
  format: ReportFormatSchema.default('table').describe('output format'),
  dataset: z.string().optional().describe('SWE-bench JSONL with gold patches, for patch recall; default: run.json dataset.source'),
  history: z.string().optional().describe('nightly history JSONL drawn as a trend in the HTML report'),
  outDir: z.string().min(1).optional().describe('html only: write index.html and one page per instance here instead of one page to stdout'),
});
export type ReportArgs = z.input<typeof ReportArgsSchema>;

export async function reportCommand(args: ReportArgs, io: Io): Promise<number> {
  return withInputErrors(io, async () => {
    const { runDir, format, dataset, history, outDir } = parseArgs(ReportArgsSchema, args, 'report');
    if (outDir !== undefined && format !== 'html') throw new InputError(`--out-dir ${outDir}: only with --format html; ${format} goes to stdout`);
    const run = await loadRun(runDir, dataset === undefined ? {} : { dataset });
    const view = buildReportView(run);
    if (format === 'html') {
      const options = { history: history === undefined ? [] : await readHistory(history), testOutputs: await failingTestOutputs(run) };
      if (outDir === undefined) await writeHtmlPage(view, run, options, (text) => writeWithBackpressure(io, text));
      else await writeHtmlDirectory(view, run, options, outDir);
      return EXIT_OK;
    }
    const render = { table: renderTable, json: renderJson, markdown: renderMarkdown, csv: renderCsv }[format];
    io.stdout.write(render(view));
    return EXIT_OK;
  });
}

/** A stream that says it is full (process.stdout into a slow pipe) is waited on, so a large page is never buffered whole. */
async function writeWithBackpressure(io: Io, text: string): Promise<void> {
  const stream = io.stdout as Io['stdout'] & Partial<NodeJS.EventEmitter>;
  if (io.stdout.write(text) === false && typeof stream.once === 'function') await once(stream as NodeJS.EventEmitter, 'drain');
}
