/**
 * The streams a command writes to: results on stdout, progress, warnings and errors on stderr. The
 * CLI hands in the process's; tests and library users hand in their own (STYLE.md §9).
 */
export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr };
