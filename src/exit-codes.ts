/**
 * The exit codes of every command (DESIGN.md §4): 0 done (whatever the verdicts), 1 a gate failed
 * (nightly), 2 bad input, 130 interrupted; 3 the command itself could not go on (e.g. no Docker
 * daemon or model server answers): not a verdict and not a gate.
 */
export const EXIT = { ok: 0, gateFailed: 1, badInput: 2, failed: 3, interrupted: 130 } as const;
