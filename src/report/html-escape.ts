/** Escaping for text and attribute values placed in the HTML report; every user-supplied string goes through it. */
const SPECIAL = /[&<>"']/;

/**
 * Five native replaceAll passes (`&` first), only for text that has something to escape: several
 * times faster than one regex pass with a replacer function on code full of quotes, and the report
 * escapes every observation of every trajectory.
 */
export function escapeHtml(text: string): string {
  if (!SPECIAL.test(text)) return text;
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
