/**
 * The two ways a step can leave the happy path inside the agent (mini-swe-agent's exceptions.py, SWE-agent's
 * `forward_with_handling`): a requery (format, blocklist or bash syntax error: the model is asked again and
 * the failure stays out of the permanent history) or an exit with a status and autosubmission.
 */
import type { ExitStatus } from '../../run-dir/schemas.js';

export type RequeryKind = 'format' | 'blocked' | 'syntax';

export class RequeryError extends Error {
  constructor(
    readonly kind: RequeryKind,
    /** The user message the model gets next, exactly as SWE-agent renders it. */
    readonly requery: string,
  ) {
    super(requery);
    this.name = 'RequeryError';
  }
}

export class AgentExit extends Error {
  constructor(
    readonly status: Exclude<ExitStatus, 'submitted'>,
    message: string,
    readonly code: string = status,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AgentExit';
  }
}
