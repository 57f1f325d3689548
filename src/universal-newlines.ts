/**
 * Python's text mode with universal newlines: `\r\n` and a lone `\r` both become `\n`. The official
 * grader re-reads test_output.txt this way (grading.py get_logs_eval, `open(log_fp)`), so a test's
 * `\r` progress output ends a line before any log parser runs; SWE-agent's editor reads files this
 * way too.
 */
export function universalNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
