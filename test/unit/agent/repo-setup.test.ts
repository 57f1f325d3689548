import { describe, expect, it } from 'vitest';
import { prepareRepository, startupCommands } from '../../../src/agents/sera/repo-setup.js';
import { InfrastructureError } from '../../../src/errors.js';
import { FakeEnvironment } from '../../support/fake-environment.js';
import { makeTempRepo } from './temp-repo.js';

describe('repository setup', () => {
  it('is one round trip: the startup commands and the staging joined by && in the shell', async () => {
    const env = new FakeEnvironment(() => ({ output: '' }));
    await prepareRepository(env, 'abc123', "it's broken");
    expect(env.execCalls).toHaveLength(1);
    expect(env.execCalls[0]!.argv.at(-1)).toBe([...startupCommands('abc123', "it's broken"), 'git add -A'].join(' && '));
  });

  it('a failing command is infrastructure, with the output in the message', async () => {
    const env = new FakeEnvironment(() => ({ output: 'fatal: reference is not a tree: abc123', exitCode: 128 }));
    const error = await prepareRepository(env, 'abc123', 'p').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as InfrastructureError).code).toBe('repository_setup_failed');
    expect((error as Error).message).toMatch(/failed \(exit 128\): fatal: reference is not a tree: abc123$/);
  });

  it('on a real repository: resets edits, removes untracked files, exports ROOT and PROBLEM_STATEMENT, stages nothing', async () => {
    const repo = await makeTempRepo({ 'calc.py': 'x = 1\n' });
    try {
      await repo.env.run('echo "x = 2" > calc.py; touch stray.txt; export PROBLEM_STATEMENT=old');
      await prepareRepository(repo.env, repo.baseCommit, 'the new problem');
      const state = await repo.env.run('echo "$ROOT|$PROBLEM_STATEMENT"; git status --porcelain; cat calc.py');
      expect(state.output).toBe('/testbed|the new problem\nx = 1\n');
    } finally {
      await repo.cleanup();
    }
  });
});
