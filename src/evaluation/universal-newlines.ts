/**
 * The log as the official grader sees it: run_evaluation.py writes test_output.txt and grading.py
 * get_logs_eval re-reads it with `open(log_fp)`, Python's text mode with universal newlines, so
 * `\r\n` and a lone `\r` both become `\n` before any log parser runs (a test's `\r` progress output
 * ends a line there).
 */
export function universalNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
