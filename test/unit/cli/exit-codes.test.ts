/** The exit-code contract: one list in src/exit-codes.ts, printed by --help, and the README's table says the same. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_CODE_MEANINGS } from '../../../src/exit-codes.js';
import { packagePath } from '../../../src/pipeline/versions.js';
import { runCli } from '../../support/cli-runner.js';

describe('exit codes', () => {
  it('every code the CLI uses has a meaning, and the README table lists exactly those', () => {
    expect(EXIT_CODE_MEANINGS.map(([code]) => code).sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
    const readme = readFileSync(packagePath('README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Exit codes'));
    const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(rows).toEqual(EXIT_CODE_MEANINGS.map(([code, meaning]) => [code, meaning]));
  });

  it('--help prints the table, for the program and for a command', async () => {
    for (const args of [['--help'], ['evaluate', '--help']]) {
      const help = await runCli(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Exit codes:');
      for (const [code] of EXIT_CODE_MEANINGS) expect(help.stdout).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    }
  });

  it('--version prints the package version and the git commit of this checkout', async () => {
    const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^sera-eval ${pkg.version.replace(/\./g, '\\.')} \\(git [0-9a-f]{12}\\)\\n$`));
  });
});
