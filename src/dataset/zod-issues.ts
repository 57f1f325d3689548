import type { z } from 'zod';

/** "field FAIL_TO_PASS: expected a JSON-encoded list of strings; field repo: ..." for an InputError. */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(row)';
      return `field ${field}: ${issue.message}`;
    })
    .join('; ');
}
