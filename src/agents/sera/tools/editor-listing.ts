/** `maybe_truncate` and `_make_output` of SWE-agent's str_replace_editor: the `cat -n` listings. */
import { expandTabs, pyHead, pyLen } from '../python-text.js';

export const MAX_RESPONSE_LEN = 16_000;
export const SNIPPET_LINES = 4;

export const TRUNCATED_MESSAGE =
  '<response clipped><NOTE>To save on context only part of this file has been shown to you. You should retry this ' +
  'tool after you have searched inside the file with `grep -n` in order to find the line numbers of what you are ' +
  'looking for.</NOTE>';

export function maybeTruncate(content: string, truncateAfter = MAX_RESPONSE_LEN): string {
  if (pyLen(content) <= truncateAfter) return content;
  return pyHead(content, truncateAfter) + TRUNCATED_MESSAGE;
}

/** Each line as `{n:6}\t{line}`, after clipping and tab expansion; ends with one newline. */
export function makeListing(content: string, descriptor: string, initLine = 1): string {
  const expanded = expandTabs(maybeTruncate(content));
  const numbered = expanded
    .split('\n')
    .map((line, i) => `${String(i + initLine).padStart(6)}\t${line}`)
    .join('\n');
  return `Here's the result of running \`cat -n\` on ${descriptor}:\n${numbered}\n`;
}
