import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Versions recorded in run.json so a number can be traced to the code that produced it. */
export function harnessVersions(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  const versions: Record<string, string> = { 'sera-eval': pkg.version, node: process.version };
  // only our own checkout: installed inside another project's repository, `git rev-parse` would name that one
  if (!existsSync(path.join(packageRoot, '.git'))) return versions;
  try {
    versions.git_revision = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // installed from a tarball: no git checkout to read
  }
  return versions;
}

export function packagePath(...parts: string[]): string {
  return path.join(packageRoot, ...parts);
}
