/**
 * The texts SERA was trained on, byte for byte: SERA's `sera/configs/sweagent/e2e.yaml` (= SWE-agent
 * `config/benchmarks/250225_anthropic_filemap_simple_review.yaml` minus the model block) and the
 * SWE-agent 1.x defaults it inherits (`sweagent/agent/agents.py` TemplateConfig, `sweagent/tools/
 * parsing.py` FunctionCallingParser, `sweagent/tools/tools.py` ToolFilterConfig).
 */
import { pyHead, pyLen } from './python-text.js';

export const WORKING_DIR = '/testbed';

export const SYSTEM_TEMPLATE = 'You are a helpful assistant that can interact with a computer to solve tasks.';

export function renderInstanceTemplate(problemStatement: string, workingDir = WORKING_DIR): string {
  return `<uploaded_files>
${workingDir}
</uploaded_files>
I've uploaded a python code repository in the directory ${workingDir}. Consider the following PR description:

<pr_description>
${problemStatement}
</pr_description>

Can you help me implement the necessary changes to the repository so that the requirements specified in the <pr_description> are met?
I've already taken care of all changes to any of the test files described in the <pr_description>. This means you DON'T have to modify the testing logic or any of the tests in any way!
Your task is to make the minimal changes to non-tests files in the ${workingDir} directory to ensure the <pr_description> is satisfied.
Follow these steps to resolve the issue:
1. As a first step, it might be a good idea to find and read code relevant to the <pr_description>
2. Create a script to reproduce the error and execute it with \`python <filename.py>\` using the bash tool, to confirm the error
3. Edit the sourcecode of the repo to resolve the issue
4. Rerun your reproduce script and confirm that the error is fixed!
5. Think about edgecases and make sure your fix handles them as well
Your thinking should be thorough and so it's fine if it's very long.`;
}

const MAX_OBSERVATION_LENGTH = 100_000;

/**
 * What the model sees after a tool call (agents.py `add_step_to_history`): the no-output template when
 * the observation is blank, the truncation template past 100,000 characters, else the step template.
 */
export function renderObservationMessage(observation: string): string {
  if (observation.trim() === '') return 'Your last command ran successfully and did not produce any output.';
  const length = pyLen(observation);
  if (length > MAX_OBSERVATION_LENGTH) {
    const elided = length - MAX_OBSERVATION_LENGTH;
    return (
      `Observation: ${pyHead(observation, MAX_OBSERVATION_LENGTH)}<response clipped>` +
      `<NOTE>Observations should not exceeded ${MAX_OBSERVATION_LENGTH} characters. ${elided} characters were elided. ` +
      'Please try a different command that produces less output or use head/tail/grep/redirect the output to a file. ' +
      'Do not use interactive pagers.</NOTE>'
    );
  }
  return `OBSERVATION:\n${observation}`;
}

export function renderCommandTimeout(command: string, timeoutS: number): string {
  return (
    `The command '${command}' was cancelled because it took more than ${timeoutS} seconds. ` +
    'Please try a different command that completes more quickly. Note: A common source of this error is if the ' +
    'command is interactive or requires user input (it is impossible to receive user input in the current ' +
    'environment, so the command will never complete).'
  );
}

export function renderShellCheckError(bashStdout: string, bashStderr: string): string {
  return (
    'Your bash command contained syntax errors and was NOT executed. Please fix the syntax errors and try again. ' +
    'This can be the result of not adhering to the syntax for multi-line commands. Here is the output of `bash -n`:\n' +
    `${bashStdout}\n${bashStderr}`
  );
}

export function renderBlockedAction(action: string): string {
  return `Operation '${action}' is not supported by this environment.`;
}

export type FormatErrorCode = 'missing' | 'multiple' | 'unexpected_arg' | 'invalid_command' | 'invalid_json' | 'missing_arg';

/**
 * FunctionCallingParser.error_message rendered by Jinja. The template ends in `{% endif %}` without
 * whitespace control, so only the catch-all branch keeps its trailing newline.
 */
export function renderFormatError(code: FormatErrorCode, exceptionMessage: string): string {
  switch (code) {
    case 'missing':
      return [
        'Your last output did not use any tool calls!',
        'Please make sure your output includes exactly _ONE_ function call!',
        'You must invoke the function directly using the function call format.',
        'You cannot invoke commands with ```, you have to use the function call format.',
        'If you think you have already resolved the issue, please submit your changes by running the `submit` command.',
        'If you think you cannot solve the problem, please run `exit_forfeit` (if available) or `submit`.',
        'Else, please continue with a new tool call!',
      ].join('\n');
    case 'multiple':
      return 'Your last output included multiple tool calls!\nPlease make sure your output includes a thought and exactly _ONE_ function call.';
    case 'unexpected_arg':
      return (
        `Your action could not be parsed properly: ${exceptionMessage}.\n` +
        "Make sure your function call doesn't include any extra arguments that are not in the allowed arguments, and only use the allowed commands."
      );
    default:
      return `Your action could not be parsed properly: ${exceptionMessage}.\n`;
  }
}

/** `SUBMIT_REVIEW_MESSAGES[0]` from e2e.yaml (a YAML `|` block: it ends with one newline). */
export function renderSubmitReview(diff: string): string {
  return `Thank you for your work on this issue. Please carefully follow the steps below to help review your changes.

1. If you made any changes to your code after running the reproduction script, please run the reproduction script again.
  If the reproduction script is failing, please revisit your changes and make sure they are correct.
  If you have already removed your reproduction script, please ignore this step.
2. Remove your reproduction script (if you haven't done so already).
3. If you have modified any TEST files, please revert them to the state they had before you started fixing the issue.
  You can do this with \`git checkout -- /path/to/test/file.py\`. Use below <diff> to find the files you need to revert.
4. Run the submit command again to confirm.

Here is a list of all of your changes:

<diff>
${diff}
</diff>
`;
}
