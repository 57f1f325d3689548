import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderInstanceTemplate, renderSubmitReview, SYSTEM_TEMPLATE } from '../../../src/agents/sera/sera-templates.js';
import { SERA_TOOLS } from '../../../src/agents/sera/tool-schemas.js';
import { TrajectorySchema } from '../../../src/run-dir/schemas.js';
import { turn } from '../../support/fake-model-server.js';
import { chatRequests, disposeRun, PROBLEM, runScripted, type ScriptedRun } from './run-scripted-agent.js';

const FIX = { command: 'str_replace', path: '/testbed/calc.py', old_str: 'return a - b', new_str: 'return a + b' };
const FIXED_DIFF_LINE = '+    return a + b';

let run: ScriptedRun | undefined;
afterEach(async () => {
  await disposeRun(run);
  run = undefined;
});

describe('runAgent: a rollout that submits', () => {
  it('sends the SERA prompt and tools, runs the tools, reviews, then submits the patch', async () => {
    run = await runScripted({
      turns: [
        turn.bash('cat calc.py', '<think>\nLook first.\n</think>\n\n'),
        turn.editor(FIX),
        turn.bash('true'),
        turn.submit(),
        turn.submit(),
      ],
    });
    const { trajectory, server } = run;
    expect(TrajectorySchema.parse(trajectory)).toEqual(trajectory);
    expect(trajectory.exit_status).toBe('submitted');
    expect(trajectory.autosubmitted).toBe(false);
    expect(trajectory.submission).toContain(FIXED_DIFF_LINE);
    expect(await readFile(join(run.repo.dir, 'calc.py'), 'utf8')).toBe('def add(a, b):\n    return a + b\n');

    const requests = chatRequests(server);
    expect(requests).toHaveLength(5);
    const first = requests[0]!.body;
    expect(first.messages).toEqual([
      { role: 'system', content: SYSTEM_TEMPLATE },
      { role: 'user', content: renderInstanceTemplate(PROBLEM) },
    ]);
    expect(first.tools).toEqual(SERA_TOOLS);
    expect(first).toMatchObject({ tool_choice: 'auto', temperature: 0, top_p: 1, seed: 1 });
    expect(first).not.toHaveProperty('max_tokens');

    const last = requests[4]!.body.messages!;
    expect(last[2]).toMatchObject({
      role: 'assistant',
      content: '<think>\nLook first.\n</think>\n\n',
      tool_calls: [{ type: 'function', function: { name: 'bash', arguments: '{"command":"cat calc.py"}' } }],
    });
    expect(last[3]).toEqual({
      role: 'tool',
      content: 'OBSERVATION:\ndef add(a, b):\n    return a - b\n',
      tool_call_id: (last[2]!.tool_calls as Array<{ id: string }>)[0]!.id,
    });
    expect(last[7]).toMatchObject({ role: 'tool', content: 'Your last command ran successfully and did not produce any output.' });
    expect(last[9]!.content).toBe(`OBSERVATION:\n${renderSubmitReview(trajectory.submission)}\n`);
    expect(trajectory.steps.map((s) => s.kind)).toEqual(['action', 'action', 'action', 'action', 'action']);
    expect(trajectory.steps[4]!.observation).toBe(trajectory.submission);
    expect(trajectory.stats.model_calls).toBe(5);
    expect(run.snapshots).toHaveLength(5);
    expect(run.snapshots[0]!.error?.code).toBe('in_progress');
    const logged = run.snapshots.at(-1)!;
    expect(logged.messages).toEqual(trajectory.messages);
    expect(logged.steps).toEqual(trajectory.steps);
  });

  it('resets the repository to the base commit and exports ROOT and PROBLEM_STATEMENT first', async () => {
    run = await runScripted({ turns: [turn.bash('echo "$ROOT|$PROBLEM_STATEMENT"; git status --short'), turn.submit(), turn.submit()] });
    expect(run.trajectory.steps[0]!.observation).toBe(`/testbed|${PROBLEM}\n`);
    expect(run.trajectory.submission).toBe('');
    expect(run.trajectory.exit_status).toBe('submitted');
  });

  it('stages the tree after each action, as SWE-agent\'s diff_state tool does', async () => {
    run = await runScripted({ turns: [turn.editor(FIX), turn.bash('git diff; git diff --cached --stat'), turn.submit(), turn.submit()] });
    expect(run.trajectory.steps[1]!.observation).toBe(' calc.py | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n');
  });
  it('substitutes the problem statement into the review after the diff, as the submit script does', async () => {
    run = await runScripted({ turns: [turn.bash("echo '{{problem_statement}}' > note.txt"), turn.submit(), turn.submit()] });
    expect(run.trajectory.steps[1]!.observation).toContain(`+${PROBLEM}\n`);
    expect(run.trajectory.submission).toContain('+{{problem_statement}}\n');
  });
});

describe('runAgent: requeries', () => {
  it('requeries a turn without a tool call, keeping the failure out of the history', async () => {
    run = await runScripted({ turns: [turn.noToolCall('Done, I believe.'), turn.submit(), turn.submit()] });
    const requests = chatRequests(run.server);
    const requery = requests[1]!.body.messages!;
    expect(requery.slice(2)).toEqual([
      { role: 'assistant', content: 'Done, I believe.' },
      {
        role: 'user',
        content:
          'Your last output did not use any tool calls!\nPlease make sure your output includes exactly _ONE_ function call!\n' +
          'You must invoke the function directly using the function call format.\n' +
          'You cannot invoke commands with ```, you have to use the function call format.\n' +
          'If you think you have already resolved the issue, please submit your changes by running the `submit` command.\n' +
          'If you think you cannot solve the problem, please run `exit_forfeit` (if available) or `submit`.\n' +
          'Else, please continue with a new tool call!',
      },
    ]);
    expect(requests[2]!.body.messages!.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(run.trajectory.steps.map((s) => s.kind)).toEqual(['requery', 'action', 'action']);
    expect(run.trajectory.exit_status).toBe('submitted');
  });

  it('renders each parser error as SWE-agent does', async () => {
    run = await runScripted({
      turns: [
        turn.several(turn.bash('ls'), turn.bash('pwd')),
        turn.raw('bash', '{"command": "ls"'),
        turn.bash('ls'),
        turn.raw('grep', '{}'),
        turn.raw('str_replace_editor', '{"command": "view"}'),
        turn.bash('ls'),
        turn.raw('bash', '{"command": "ls", "timeout": 5}'),
        turn.submit(),
        turn.submit(),
      ],
    });
    const observations = run.trajectory.steps.filter((s) => s.kind === 'requery').map((s) => s.observation);
    expect(observations).toEqual([
      'Your last output included multiple tool calls!\nPlease make sure your output includes a thought and exactly _ONE_ function call.',
      'Your action could not be parsed properly: Tool call arguments are not valid JSON..\n',
      "Your action could not be parsed properly: Command 'grep' not found in list of available commands..\n",
      'Your action could not be parsed properly: Required argument(s) missing: path.\n',
      "Your action could not be parsed properly: Unexpected argument(s): timeout.\nMake sure your function call doesn't include any extra arguments that are not in the allowed arguments, and only use the allowed commands.",
    ]);
    expect(run.trajectory.exit_status).toBe('submitted');
  });

  it('requeries blocked commands and bash syntax errors without running them', async () => {
    run = await runScripted({ turns: [turn.bash('vim'), turn.bash('echo (oops'), turn.bash('make test'), turn.submit(), turn.submit()] });
    const [blocked, syntax, make] = run.trajectory.steps.map((s) => s.observation);
    expect(blocked).toBe("Operation 'vim' is not supported by this environment.");
    expect(syntax).toBe(
      'Your bash command contained syntax errors and was NOT executed. Please fix the syntax errors and try again. ' +
        'This can be the result of not adhering to the syntax for multi-line commands. Here is the output of `bash -n`:\n\n' +
        "bash: line 1: syntax error near unexpected token `oops'\nbash: line 1: `echo (oops'\n",
    );
    expect(make).toBe("Operation 'make test' is not supported by this environment.");
    expect(run.trajectory.exit_status).toBe('exit_format');
    expect(run.trajectory.autosubmitted).toBe(true);
    expect(run.trajectory.error?.message).toBe('Exit due to repeated format/blocklist/bash syntax errors');
  });

  it('ends as exit_format after three failures in a row and autosubmits the work so far', async () => {
    run = await runScripted({ turns: [turn.editor(FIX), turn.noToolCall(), turn.noToolCall(), turn.noToolCall(), turn.submit()] });
    expect(run.trajectory.exit_status).toBe('exit_format');
    expect(run.trajectory.autosubmitted).toBe(true);
    expect(run.trajectory.submission).toContain(FIXED_DIFF_LINE);
    expect(chatRequests(run.server)).toHaveLength(4);
  });
});

describe('runAgent: other endings, each autosubmitted', () => {
  it('stops at the model-call limit, requeries included', async () => {
    run = await runScripted({ turns: [turn.editor(FIX), turn.noToolCall(), turn.bash('ls'), turn.bash('ls')], limits: { maxModelCalls: 3 } });
    expect(run.trajectory.exit_status).toBe('exit_step_limit');
    expect(run.trajectory.stats.model_calls).toBe(3);
    expect(chatRequests(run.server)).toHaveLength(3);
    expect(run.trajectory.autosubmitted).toBe(true);
    expect(run.trajectory.submission).toContain(FIXED_DIFF_LINE);
  });

  it('shows the timeout text, and ends after three timeouts in a row', async () => {
    run = await runScripted({
      turns: [turn.bash('sleep 20'), turn.bash('sleep 20'), turn.bash('sleep 20'), turn.submit()],
      limits: { commandTimeoutS: 0.2 },
    });
    expect(run.trajectory.steps[0]!.observation).toBe(
      "The command 'sleep 20' was cancelled because it took more than 0.2 seconds. Please try a different command that " +
        'completes more quickly. Note: A common source of this error is if the command is interactive or requires user ' +
        'input (it is impossible to receive user input in the current environment, so the command will never complete).',
    );
    expect(run.trajectory.exit_status).toBe('exit_command_timeout');
    expect(run.trajectory.autosubmitted).toBe(true);
  });

  it('ends as exit_timeout past the wall-clock limit', async () => {
    run = await runScripted({ turns: [turn.bash('sleep 0.7'), turn.bash('ls')], limits: { wallClockS: 0.5 } });
    expect(run.trajectory.exit_status).toBe('exit_timeout');
    expect(run.trajectory.steps).toHaveLength(1);
  });

  it('ends as exit_error when the arguments are JSON but not an object', async () => {
    run = await runScripted({ turns: [turn.editor(FIX), turn.raw('bash', 'null')] });
    expect(run.trajectory.exit_status).toBe('exit_error');
    expect(run.trajectory.autosubmitted).toBe(true);
    expect(run.trajectory.submission).toContain(FIXED_DIFF_LINE);
  });

  it('ends as exit_command on `exit` with no submission, as agents.py 949-956 does (no autosubmission)', async () => {
    run = await runScripted({ turns: [turn.editor(FIX), turn.bash('  exit ')] });
    expect(TrajectorySchema.parse(run.trajectory)).toEqual(run.trajectory);
    expect(run.trajectory).toMatchObject({ exit_status: 'exit_command', autosubmitted: false, submission: '', error: null });
    expect(run.trajectory.steps.at(-1)).toMatchObject({ kind: 'action', observation: 'Exited' });
    expect(run.trajectory.messages.at(-1)).toMatchObject({ role: 'tool', content: 'OBSERVATION:\nExited' });
    expect(chatRequests(run.server)).toHaveLength(2);
  });
});

describe("runAgent: the model's own command breaks its environment", () => {
  it('ends as exit_error (exit_environment_error) when the model kills its shell, keeping its patch', async () => {
    run = await runScripted({ turns: [turn.editor(FIX), turn.bash('kill -9 $$'), turn.submit()] });
    expect(run.trajectory).toMatchObject({
      exit_status: 'exit_error',
      error: { code: 'exit_environment_error', message: expect.stringMatching(/^Exit due to environment error: /) },
      autosubmitted: true,
    });
    expect(run.trajectory.submission).toContain(FIXED_DIFF_LINE);
  });

  it('is the model outcome, with the last patch, when the model deletes /testbed', async () => {
    run = await runScripted({ turns: [turn.editor(FIX), turn.bash('rm -rf /testbed'), turn.bash('ls'), turn.submit(), turn.submit()] });
    expect(run.trajectory.exit_status).toBe('submitted');
    expect(run.trajectory.submission).toContain(FIXED_DIFF_LINE);
  });

  it('stays infrastructure when the environment itself is gone', async () => {
    run = await runScripted({ turns: [turn.editor(FIX), turn.bash('true'), turn.submit()], closeEnvironmentAtCall: 1 });
    expect(run.trajectory).toMatchObject({ exit_status: 'exit_infrastructure', error: { code: 'environment_unavailable' } });
    expect(run.trajectory.submission).toContain(FIXED_DIFF_LINE);
  });
});
