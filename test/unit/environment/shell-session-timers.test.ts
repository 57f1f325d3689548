/**
 * The shell session's waits race a timeout against the shell; the timeout must not outlive the
 * wait. A ref'd 60 s exit-code timer kept a Ctrl-C'd `sera-eval run` alive for a minute after it
 * had cleaned up (the process ends when its event loop drains, src/cli/main.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { makeTempRepo } from '../agent/temp-repo.js';

describe('ShellSession timers', () => {
  it('leaves no timer keeping the process alive once the shell has answered and closed', async () => {
    const repo = await makeTempRepo({});
    try {
      expect((await repo.env.run('echo hi')).output).toBe('hi\n');
    } finally {
      await repo.cleanup();
    }
    // The shell's 50 ms poll may still be due once; the leak held a timer for 60 s. Unref'd sleeps
    // here, so the wait itself is not counted.
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout');
    for (let waited = 0; waited < 2_000 && timers().length > 0; waited += 100) await sleep(100, undefined, { ref: false });
    expect(timers()).toEqual([]);
  });
});
