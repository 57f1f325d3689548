import type { TestSpec } from './specs/test-spec.js';

/** File endings that are never test arguments (`csv` really has no dot in the official list). */
const NON_TEST_EXTS = ['.json', '.png', 'csv', '.txt', '.md', '.jpg', '.jpeg', '.pkl', '.yml', '.yaml', '.toml'];

/**
 * SWE-bench v4.1.0 get_test_directives: every `diff --git a/.* b/(.*)` target of the test patch,
 * minus NON_TEST_EXTS; for django, `tests/x/test_y.py` becomes `x.test_y` (runtests labels).
 * The regex is greedy like Python's: on a line with several " b/", the last one starts the path.
 */
export function testDirectives(testPatch: string, spec: Pick<TestSpec, 'djangoDirectives'>): string[] {
  // [^\n] rather than `.`: Python's `.` stops only at \n, JavaScript's also at \r, \u2028, \u2029.
  const found = [...testPatch.matchAll(/diff --git a\/[^\n]* b\/[^\n]*/g)].map((m) => lastTarget(m[0]));
  const directives = found.filter((d) => !NON_TEST_EXTS.some((ext) => d.endsWith(ext)));
  if (!spec.djangoDirectives) return directives;
  return directives.map((d) => {
    let label = d.endsWith('.py') ? d.slice(0, -'.py'.length) : d;
    label = label.startsWith('tests/') ? label.slice('tests/'.length) : label;
    return label.replaceAll('/', '.');
  });
}

/** `diff --git a/X b/Y` → Y, splitting at the last " b/" as the greedy `a/.*` does. */
function lastTarget(line: string): string {
  const at = line.lastIndexOf(' b/');
  return line.slice(at + ' b/'.length);
}
