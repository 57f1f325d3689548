/**
 * Runs one parsed action the way SWE-agent's `handle_action` does: blocklist, `exit`, the bash syntax
 * pre-check, the command with its timeout (three in a row end the run), then the submission check.
 * Holds the per-rollout tool state: the submit review stage and the consecutive-timeout counter.
 */
import type { Environment } from '../../../environment/environment.js';
import type { ParsedAction } from '../action-parser.js';
import { AgentExit, RequeryError } from '../agent-exits.js';
import { renderBlockedAction, renderCommandTimeout, renderShellCheckError } from '../sera-templates.js';
import { bashSyntaxErrors, runBash, shouldBlockAction } from './bash-tool.js';
import { runStrReplaceEditor } from './str-replace-editor.js';
import type { ModelPatchFile } from './model-patch-file.js';
import { runSubmit } from './submit-tool.js';

export interface ToolRunnerOptions {
  /** What the submit review substitutes for `{{problem_statement}}`. */
  problemStatement: string;
  /** Per-command timeout. @default 300 (SERA's e2e.yaml execution_timeout) */
  commandTimeoutS?: number;
  /** Consecutive timeouts that end the run as exit_command_timeout. @default 3 */
  maxConsecutiveTimeouts?: number;
}

export interface ToolResult {
  observation: string;
  /** Set when the action was the confirming `submit`: the patch, possibly empty. */
  submission?: string;
  /** The model ran `exit`: the run ends as `exit_command`, with no submission. */
  exited?: boolean;
}

export class ToolRunner {
  private submitStagesDone = 0;
  private consecutiveTimeouts = 0;
  private readonly commandTimeoutS: number;
  private readonly maxConsecutiveTimeouts: number;
  private readonly problemStatement: string;

  constructor(
    private readonly env: Environment,
    private readonly patchFile: ModelPatchFile,
    options: ToolRunnerOptions,
  ) {
    this.problemStatement = options.problemStatement;
    this.commandTimeoutS = options.commandTimeoutS ?? 300;
    this.maxConsecutiveTimeouts = options.maxConsecutiveTimeouts ?? 3;
  }

  /**
   * @throws RequeryError for a blocked command or a bash syntax error.
   * @throws AgentExit for too many consecutive timeouts.
   */
  async execute(action: ParsedAction, signal?: AbortSignal): Promise<ToolResult> {
    if (action.tool === 'bash') {
      if (shouldBlockAction(action.command)) throw new RequeryError('blocked', renderBlockedAction(action.command));
      // agents.py 949-956: observation "Exited", exit_status "exit_command", done; no autosubmission.
      if (action.command.trim() === 'exit') return { observation: 'Exited', exited: true };
    }
    switch (action.tool) {
      case 'bash':
        return this.bash(action.command.trim(), signal);
      case 'str_replace_editor':
        this.consecutiveTimeouts = 0;
        return { observation: await runStrReplaceEditor(this.env, action.values) };
      case 'submit': {
        this.consecutiveTimeouts = 0;
        const result = await runSubmit(this.env, this.patchFile, this.submitStagesDone, this.problemStatement);
        this.submitStagesDone++;
        return result.kind === 'submitted'
          ? { observation: result.observation, submission: result.patch }
          : { observation: result.observation };
      }
    }
  }

  private async bash(command: string, signal?: AbortSignal): Promise<ToolResult> {
    const syntax = await bashSyntaxErrors(this.env, command);
    if (syntax) throw new RequeryError('syntax', renderShellCheckError(syntax.stdout, syntax.stderr));
    const run = await runBash(this.env, command, this.commandTimeoutS, signal);
    if (!run.timedOut) {
      this.consecutiveTimeouts = 0;
      return { observation: run.output };
    }
    this.consecutiveTimeouts++;
    if (this.consecutiveTimeouts >= this.maxConsecutiveTimeouts) {
      throw new AgentExit('exit_command_timeout', 'Exit due to multiple consecutive command timeouts');
    }
    return { observation: renderCommandTimeout(command, this.commandTimeoutS) };
  }
}
