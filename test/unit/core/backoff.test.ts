import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retryWithBackoff } from '../../../src/backoff.js';
import { InterruptedError } from '../../../src/errors.js';

class Flaky extends Error {}
const isFlaky = (err: unknown): err is Flaky => err instanceof Flaky;

describe('retryWithBackoff', () => {
  it('retries what is retryable and reports the try that succeeded', async () => {
    const seen: number[] = [];
    const result = await retryWithBackoff(
      async (attempt) => {
        if (attempt < 3) throw new Flaky(`try ${attempt}`);
        return 'ok';
      },
      { attempts: 5, baseDelayMs: 1, retryable: isFlaky, onRetry: (_err, attempt) => seen.push(attempt) },
    );
    expect(result).toEqual({ value: 'ok', attempts: 3 });
    expect(seen).toEqual([1, 2]);
  });

  it('throws anything else at once, and what `exhausted` makes after the last try', async () => {
    const bug = new TypeError('bug');
    let calls = 0;
    await expect(retryWithBackoff(async () => { calls++; throw bug; }, { attempts: 3, baseDelayMs: 1, retryable: isFlaky })).rejects.toBe(bug);
    expect(calls).toBe(1);
    await expect(
      retryWithBackoff(async () => { throw new Flaky('down'); }, {
        attempts: 2,
        baseDelayMs: 1,
        retryable: isFlaky,
        exhausted: (err, attempts) => new Error(`gave up after ${attempts}: ${err.message}`),
      }),
    ).rejects.toThrow('gave up after 2: down');
  });

  it('ends a wait with InterruptedError when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = retryWithBackoff(async () => { throw new Flaky('x'); }, {
      attempts: 5,
      baseDelayMs: 60_000,
      jitter: 'none',
      retryable: isFlaky,
      signal: controller.signal,
      onRetry: () => setTimeout(() => controller.abort(), 10),
    });
    await expect(pending).rejects.toBeInstanceOf(InterruptedError);
  });
});

describe('backoffDelayMs', () => {
  it('doubles up to the cap, with full jitter below the ceiling', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, { attempts: 9, baseDelayMs: 100, maxDelayMs: 500, jitter: 'none' }))).toEqual([100, 200, 400, 500]);
    for (let i = 0; i < 50; i++) expect(backoffDelayMs(3, { attempts: 9, baseDelayMs: 100 })).toBeLessThan(400);
  });
});
