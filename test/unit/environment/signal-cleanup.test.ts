import { describe, expect, it } from 'vitest';
import { cleanUpOnSignals } from '../../../src/environment/signal-cleanup.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

describe('cleanUpOnSignals', () => {
  it('runs the cleanup on each of SIGINT, SIGTERM and SIGHUP, and uninstalls from all three', async () => {
    const before = SIGNALS.map((s) => process.listenerCount(s));
    const seen: string[] = [];
    const uninstall = cleanUpOnSignals(async () => seen.push('cleaned'), { reraise: false });
    expect(SIGNALS.map((s) => process.listenerCount(s))).toEqual(before.map((n) => n + 1));
    try {
      for (const signal of SIGNALS) process.emit(signal, signal);
      await expect.poll(() => seen.length).toBe(3);
    } finally {
      uninstall();
    }
    expect(SIGNALS.map((s) => process.listenerCount(s))).toEqual(before);
  });

  it('swallows a failing cleanup: a signal handler must not end in an unhandled rejection', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    let called = false;
    const uninstall = cleanUpOnSignals(async () => {
      called = true;
      throw new Error('API server gone');
    }, { reraise: false });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      await expect.poll(() => called).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections).toEqual([]);
    } finally {
      uninstall();
      process.off('unhandledRejection', onRejection);
    }
  });
});
