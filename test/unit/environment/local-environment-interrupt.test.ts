import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { LocalEnvironment } from '../../../src/environment/local-environment.js';

// Killing the children before signalling the shell let bash run the next statement first; under
// load that happened in 16 of 40 runs. Many shells at once recreate the load.
it('a timeout interrupts the whole command line, never only its running part', async () => {
  const results = await Promise.all(
    Array.from({ length: 24 }, async () => {
      const env = new LocalEnvironment(mkdtempSync(path.join(tmpdir(), 'interrupt-')));
      try {
        const timedOut = await env.run('sleep 60; echo not-reached', { timeoutS: 0.2 });
        const next = await env.run('echo ok');
        return { timedOut, next: next.output.trim() };
      } finally {
        await env.close();
      }
    }),
  );
  expect(results.filter((r) => r.timedOut.output.includes('not-reached'))).toEqual([]);
  expect(results.every((r) => r.timedOut.timedOut && r.next === 'ok')).toBe(true);
}, 60_000);
