import { z } from 'zod';
import { PathIdSchema } from '../run-dir/path-id.js';

/** SWE-bench 5.x PARSER_REGISTRY names of the Python log parsers (log_parsers/__init__.py at v5.0.2). */
export const SHIPPED_PARSER_NAMES = [
  'parse_log_pytest',
  'parse_log_pytest_options',
  'parse_log_django',
  'parse_log_pytest_v2',
  'parse_log_seaborn',
  'parse_log_sympy',
  'parse_log_matplotlib',
  'parse_log_astroid',
  'parse_log_flask',
  'parse_log_marshmallow',
  'parse_log_pvlib',
  'parse_log_pyvista',
  'parse_log_sqlfluff',
  'parse_log_xarray',
  'parse_log_pydicom',
  'parse_log_requests',
  'parse_log_pylint',
  'parse_log_astropy',
  'parse_log_scikit',
  'parse_log_sphinx',
] as const;

/** A list that arrives either as a JSON-encoded string (Hugging Face) or as an array. */
const JsonStringList = z.union([
  z.array(z.string()),
  z.string().transform((text, ctx) => {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    } catch {
      // fall through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: 'expected a JSON-encoded list of strings' });
    return z.NEVER;
  }),
]);

/** One SWE-bench row (SWEbenchInstance in the official harness) with the test lists decoded. */
export const SweBenchInstanceSchema = z
  .object({
    instance_id: PathIdSchema.describe('<owner>__<repo>-<PR number>, e.g. django__django-11099'),
    repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'expected owner/name').describe('GitHub owner/name'),
    base_commit: z.string().min(1).describe('commit the instance starts from'),
    patch: z.string().describe('the gold fix, a unified diff'),
    test_patch: z.string().describe('the hidden tests, a unified diff applied before grading'),
    problem_statement: z.string().describe('the issue text the agent sees'),
    hints_text: z.string().default('').describe('unused by grading'),
    created_at: z.string().default(''),
    version: z.union([z.string(), z.number().transform(String)]).describe('key into the repo specs, a string like "3.0"'),
    FAIL_TO_PASS: JsonStringList.describe('tests the fix must make pass'),
    PASS_TO_PASS: JsonStringList.describe('tests that must keep passing'),
    environment_setup_commit: z.string().default(''),
    difficulty: z.string().optional().describe('Verified only, e.g. "<15 min fix"'),
    image_name: z.string().optional().describe('an explicit image for this instance; overrides the template'),
    // SWE-bench 5.x columns: the official harness grades with these instead of its repo specs.
    eval_script: z.string().min(1).optional().describe('SWE-bench 5.x: the eval.sh to run, as shipped (the exit-code lines are added as 5.x adds them)'),
    log_parser: z
      .enum(SHIPPED_PARSER_NAMES)
      .optional()
      .describe('SWE-bench 5.x: the PARSER_REGISTRY name of the Python log parser'),
    image: z.string().min(1).optional().describe('SWE-bench 5.x: the instance image; used unless image_name is set'),
    eval_type: z
      .literal('pass_and_fail', { message: 'expected "pass_and_fail"; sera-eval grades Python instances only' })
      .optional()
      .describe('SWE-bench 5.x: how FAIL_TO_PASS/PASS_TO_PASS are graded'),
  })
  .passthrough();

export type SweBenchInstance = z.infer<typeof SweBenchInstanceSchema>;
export type ShippedParserName = (typeof SHIPPED_PARSER_NAMES)[number];
