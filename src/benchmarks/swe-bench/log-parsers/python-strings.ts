/**
 * Python's str.split()/strip() whitespace (str.isspace), which differs from JavaScript's \s:
 * Python also counts \x1c-\x1f and \x85, and does not count \ufeff. Parsers must split test
 * names exactly where the official Python parsers do.
 */
const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
export const PY_WS = `[${PY_WHITESPACE}]`;
const SPLIT = new RegExp(`${PY_WS}+`);
const LEADING = new RegExp(`^${PY_WS}+`);
const TRAILING = new RegExp(`${PY_WS}+$`);

/** str.split() with no arguments: runs of whitespace separate, empty strings dropped. */
export function pySplit(text: string): string[] {
  return text.split(SPLIT).filter((part) => part !== '');
}

export function pyStrip(text: string): string {
  return text.replace(LEADING, '').replace(TRAILING, '');
}

/** The statuses of SWE-bench's TestStatus enum, as the log parsers write them. */
export const TEST_STATUSES = ['FAILED', 'PASSED', 'SKIPPED', 'ERROR', 'XFAIL'] as const;

