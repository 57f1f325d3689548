import { describe, expect, it } from 'vitest';
import { endedByTimeout, underTimeout } from '../../../src/environment/in-sandbox-timeout.js';

describe('the in-sandbox timeout', () => {
  it('wraps argv in coreutils timeout with a kill after 5 s, and leaves it alone without a limit', () => {
    expect(underTimeout(['pytest', '-x'], 90)).toEqual(['timeout', '-k', '5', '90s', 'pytest', '-x']);
    expect(underTimeout(['pytest', '-x'], undefined)).toEqual(['pytest', '-x']);
  });

  it("counts 124 (SIGTERM sufficed) and 137 (SIGKILL) as the timeout only once the limit has passed", () => {
    const twoSecondsAgo = Date.now() - 2_000;
    expect(endedByTimeout(124, twoSecondsAgo, 1)).toBe(true);
    expect(endedByTimeout(137, twoSecondsAgo, 1)).toBe(true);
    // a command that exits 124 or is killed on its own before the limit did not time out
    expect(endedByTimeout(124, twoSecondsAgo, 60)).toBe(false);
    expect(endedByTimeout(137, twoSecondsAgo, 60)).toBe(false);
    expect(endedByTimeout(1, twoSecondsAgo, 1)).toBe(false);
    expect(endedByTimeout(124, twoSecondsAgo, undefined)).toBe(false);
  });
});
