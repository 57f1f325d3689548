/** The streams a command writes to; tests pass their own (STYLE.md §9: run the CLI in-process). */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

/**
 * 0 done (whatever the verdicts), 1 a gate failed (nightly), 2 bad input, 130 interrupted (DESIGN.md §4);
 * 3 the command itself could not go on (e.g. no Docker daemon answers): not a verdict and not a gate.
 */
export const EXIT = { ok: 0, gateFailed: 1, badInput: 2, failed: 3, interrupted: 130 } as const;
