import { describe, expect, it } from 'vitest';
import { assertLimitsApplied } from '../../../src/environment/docker/limits-check.js';

describe('assertLimitsApplied', () => {
  const requested = { memoryBytes: 512 * 1024 ** 2, pidsLimit: 256, nanoCpus: 1_000_000_000 };

  it('accepts a container that got every limit it asked for, and asks nothing when none were set', () => {
    expect(() => assertLimitsApplied('c', requested, { Memory: 512 * 1024 ** 2, PidsLimit: 256, NanoCpus: 1_000_000_000 })).not.toThrow();
    expect(() => assertLimitsApplied('c', {}, { Memory: 0, PidsLimit: 0 })).not.toThrow();
  });

  it('refuses, naming each dropped limit, what rootless podman on cgroup v1 reports (all zero)', () => {
    expect(() => assertLimitsApplied('sweb.eval.x', requested, { Memory: 0, PidsLimit: 0, NanoCpus: 0 })).toThrow(
      expect.objectContaining({
        code: 'limits_not_enforced',
        message: expect.stringContaining(
          'container sweb.eval.x: the engine accepted but did not apply its limits: memory 536870912 (engine has 0), pids 256 (engine has 0), CPU (NanoCpus) 1000000000 (engine has 0)',
        ),
      }),
    );
    expect(() => assertLimitsApplied('c', { pidsLimit: 256 }, {})).toThrow(/pids 256 \(engine has none\)/);
  });
});
