/**
 * Errors raised inside sera-eval carry a `code` so each layer can decide what to do without
 * string matching: the pipeline turns any throw into a recorded cell result, the CLI picks the
 * exit code (STYLE.md §6).
 */
export class HarnessError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the user (a file, a line, a flag): exit code 2, nothing is run. */
export class InputError extends HarnessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_input', message, options);
  }
}

/**
 * Something outside the model's control failed: Docker daemon, image pull, container start,
 * OOM kill, the model server unreachable. Retried, then reported apart from model failures.
 */
export class InfrastructureError extends HarnessError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The run was interrupted (Ctrl-C / SIGTERM): exit code 130, finished cells are kept. */
export class InterruptedError extends HarnessError {
  constructor(message = 'interrupted') {
    super('interrupted', message);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
