import { describe, expect, it } from 'vitest';
import { OomKillCounter } from '../../../src/environment/oom-kills.js';

/** What `cat` of the cgroup files prints: v1 memory.oom_control, or v2 memory.events. */
const v1 = (kills: number) => `oom_kill_disable 0\nunder_oom 0\noom_kill ${kills}\n`;
const v2 = (kills: number) => `low 0\nhigh 0\nmax 12\noom 3\noom_kill ${kills}\noom_group_kill 0\n`;

describe('OomKillCounter', () => {
  it('says yes once per rise of the cgroup counter, on cgroup v1 and v2', async () => {
    for (const format of [v1, v2]) {
      const outputs = [format(0), format(1), format(1), format(3)];
      const asked: string[][] = [];
      const counter = new OomKillCounter(async (argv) => {
        asked.push(argv);
        return outputs.shift()!;
      });
      expect([await counter.sawNewKill(), await counter.sawNewKill(), await counter.sawNewKill(), await counter.sawNewKill()]).toEqual([false, true, false, true]);
      expect(asked[0]!.join(' ')).toContain('/sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events');
    }
  });

  it('counts nothing where neither file can be read (no memory cgroup in view)', async () => {
    const counter = new OomKillCounter(async () => '');
    expect(await counter.sawNewKill()).toBe(false);
  });
});
