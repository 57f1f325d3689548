/** `sera-eval compare RUN_A RUN_B [--format table|markdown|json]`; each side is a run directory or its report.json. */
import { z } from 'zod';
import { parseArgs, withInputErrors, EXIT_OK } from './command-io.js';
import type { Io } from '../io.js';
import { InputError } from '../errors.js';
import { compareRuns } from './compare.js';
import { DEFAULT_MAX_INFRA, measurementProblems } from './measurement.js';
import { renderComparisonJson, renderComparisonMarkdown, renderComparisonTable } from './render-compare.js';
import { loadRunSource } from './run-source.js';

export const CompareArgsSchema = z.object({
  a: z.string().min(1).describe('baseline: run directory or report.json'),
  b: z.string().min(1).describe('candidate: run directory or report.json'),
  format: z.enum(['table', 'markdown', 'json']).default('table'),
});
export type CompareArgs = z.input<typeof CompareArgsSchema>;

export async function compareCommand(args: CompareArgs, io: Io): Promise<number> {
  return withInputErrors(io, async () => {
    const { a, b, format } = parseArgs(CompareArgsSchema, args, 'compare');
    const [runA, runB] = await Promise.all([loadRunSource(a), loadRunSource(b)]);
    const comparison = compareRuns(runA, runB);
    if (comparison.contexts.length === 0) {
      throw new InputError(
        `compare: ${a} (contexts ${runA.contexts.join(', ')}) and ${b} (contexts ${runB.contexts.join(', ')}) share no context; nothing to compare`,
      );
    }
    // the gate's "not measured" check, as a warning: a comparison of a run that measured too little misleads
    for (const [side, run, other] of [['A', runA, undefined], ['B', runB, runA]] as const) {
      for (const problem of measurementProblems(run, DEFAULT_MAX_INFRA, other)) comparison.warnings.push(`${side} not measured: ${problem}`);
    }
    // table and Markdown print the warnings themselves; JSON carries them in a field, so repeat them where a person sees them
    if (format === 'json') for (const warning of comparison.warnings) (io.stderr ?? process.stderr).write(`warning: ${warning}\n`);
    const render = { table: renderComparisonTable, markdown: renderComparisonMarkdown, json: renderComparisonJson }[format];
    io.stdout.write(render(comparison));
    return EXIT_OK;
  });
}
