import { describe, expect, it } from 'vitest';
import { Progress, formatDuration } from '../../../src/pipeline/progress.js';

describe('Progress', () => {
  it('writes a plain line per finished cell off a terminal, and a summary with per-context counts', () => {
    const out: string[] = [];
    const progress = new Progress('run', 4, { write: (t) => out.push(t), isTTY: false });
    progress.group('32k', 2);
    progress.group('64k', 2);
    progress.started();
    progress.rolloutFinished({ completion_tokens: 100, model_calls: 12, infrastructure_retries: 2 });
    progress.finished('resolved', '32k/1/a submitted → resolved', { group: '32k' });
    progress.retried();
    progress.started();
    progress.finished('infrastructure', '64k/1/a exit_infrastructure → infrastructure', { group: '64k' });
    progress.stop();
    expect(out[0]).toBe('[1/4] 32k/1/a submitted → resolved\n');
    expect(out[1]).toBe('[2/4] 64k/1/a exit_infrastructure → infrastructure\n');
    const summary = out[2]!;
    expect(summary).toContain('2/4 done [32k 1/2, 64k 1/2]');
    expect(summary).toContain('resolved 1');
    expect(summary).toContain('12.0 steps/rollout');
    expect(summary).toContain('infrastructure 1');
    expect(summary).toContain('retries 3 (rollouts 2, grading 1)'); // rollouts: as the trajectory records them
    expect(summary).toContain('ETA');
  });

  it('formats durations for people', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3 * 3600 + 61)).toBe('3h01m');
  });

  it('counts a resumed cell once, as resumed, without a line of its own', () => {
    const out: string[] = [];
    const progress = new Progress('evaluate', 1, { write: (t) => out.push(t), isTTY: false });
    progress.started();
    progress.finished('resolved', '-/-/a resolved', { resumed: true });
    progress.stop();
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('evaluate: 1/1 done (1 resumed) | running 0 | resolved 1');
  });
});
