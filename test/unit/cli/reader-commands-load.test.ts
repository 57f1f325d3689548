/**
 * `report`, `compare`, `nightly` and `export` start without the rollout stack: main.ts registers
 * only their module, so a report does not pay for loading the Kubernetes, OpenAI and Docker clients.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../../src/pipeline/versions.js';

const ROLLOUT_STACK = /node_modules\/(@kubernetes\/client-node|openai|dockerode)\//;

async function loadedModules(args: string[]): Promise<{ stdout: string; modules: string[] }> {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', packagePath('test/support/module-load-log.mjs'), '--import', 'tsx', packagePath('src/cli/main.ts'), ...args],
    { cwd: packagePath('.') },
  );
  return { stdout, modules: [...stderr.matchAll(/^module-load (\S+)$/gm)].map((m) => m[1]!) };
}

describe('reader commands load only their own modules', () => {
  it('report, compare, nightly and export --help load no rollout-stack module; the full --help does', async () => {
    const all = await loadedModules(['--help']);
    expect(all.modules.some((m) => ROLLOUT_STACK.test(m))).toBe(true);
    for (const command of ['report', 'compare', 'nightly', 'export']) {
      const reader = await loadedModules([command, '--help']);
      expect(reader.stdout).toContain(`Usage: sera-eval ${command}`);
      expect(reader.modules.filter((m) => ROLLOUT_STACK.test(m))).toEqual([]);
      expect(reader.modules.length).toBeGreaterThan(0);
    }
  }, 60_000);
});
