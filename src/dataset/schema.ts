import { z } from 'zod';

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
    instance_id: z.string().min(1).describe('<owner>__<repo>-<PR number>, e.g. django__django-11099'),
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
  })
  .passthrough();

export type SweBenchInstance = z.infer<typeof SweBenchInstanceSchema>;
