/** The streams a command writes to; tests pass their own (STYLE.md §9: run the CLI in-process). */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

export { EXIT } from '../exit-codes.js';
