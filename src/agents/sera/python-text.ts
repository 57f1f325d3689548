/**
 * Python string semantics the SWE-agent tools rely on. Python counts code points where JavaScript
 * counts UTF-16 units, and `expandtabs`, `splitlines` and `str.count` have edge cases that change
 * what the model sees (line numbers, clipping points), so the tools use these instead of the JS ones.
 */

/** `len(s)`: code points. */
export function pyLen(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** `s[:n]` by code points. */
export function pyHead(text: string, n: number): string {
  if (text.length <= n) return text;
  let units = 0;
  let points = 0;
  for (const ch of text) {
    if (points === n) break;
    units += ch.length;
    points++;
  }
  return text.slice(0, units);
}

/** `s.expandtabs(8)`: the column resets after `\n` and `\r`. */
export function expandTabs(text: string, tabSize = 8): string {
  if (!text.includes('\t')) return text;
  let out = '';
  let column = 0;
  for (const ch of text) {
    if (ch === '\t') {
      const spaces = tabSize - (column % tabSize);
      out += ' '.repeat(spaces);
      column += spaces;
    } else if (ch === '\n' || ch === '\r') {
      out += ch;
      column = 0;
    } else {
      out += ch;
      column++;
    }
  }
  return out;
}

const LINE_BOUNDARY = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** `s.splitlines()`: every Unicode line boundary, no trailing empty element. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split(LINE_BOUNDARY);
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** `s.count(sub)`: non-overlapping; the empty string occurs len(s)+1 times. */
export function countOccurrences(text: string, sub: string): number {
  if (sub === '') return pyLen(text) + 1;
  let count = 0;
  let from = 0;
  for (;;) {
    const at = text.indexOf(sub, from);
    if (at < 0) return count;
    count++;
    from = at + sub.length;
  }
}

/** `str(list_of_ints)`, e.g. `[1, 5]`. */
export function pyList(values: readonly (number | string)[]): string {
  return `[${values.map((v) => (typeof v === 'string' ? pyStrRepr(v) : String(v))).join(', ')}]`;
}

/** `repr(s)` for the common cases (quotes chosen as Python does; control characters escaped). */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * `str(pathlib.PurePosixPath(p))`: repeated slashes collapse (a leading `//` survives), `.` segments
 * and trailing slashes go, `..` stays.
 */
export function pyPathString(path: string): string {
  if (path === '') return '.';
  let root = '';
  if (path.startsWith('/')) root = path.startsWith('//') && !path.startsWith('///') ? '//' : '/';
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  const joined = root + parts.join('/');
  return joined === '' ? '.' : joined;
}
