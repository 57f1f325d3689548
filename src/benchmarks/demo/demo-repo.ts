import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { InputError, errorMessage } from '../../errors.js';
import { writeFileAtomic } from '../../run-dir/atomic-write.js';
import { parseJsonLines } from '../../dataset/read-records.js';

const execFileAsync = promisify(execFile);

/** datasets/demo/ of this package (the same relative path from src/benchmarks/demo/ and dist/benchmarks/demo/). */
export const DEMO_DIR = fileURLToPath(new URL('../../../datasets/demo/', import.meta.url));
export const DEMO_DATASET_PATH = path.join(DEMO_DIR, 'demo.jsonl');

const DEMO_OWNER = 'sera-eval';

/**
 * Everything a commit sha depends on besides the tree, pinned so that every machine gets the same
 * sha: the identity, both dates, and no system/global git config (a user's commit.gpgsign,
 * core.autocrlf or hooksPath would otherwise change the commit or the blobs).
 */
const FIXED_COMMIT_ENV = {
  GIT_AUTHOR_NAME: 'sera-eval',
  GIT_AUTHOR_EMAIL: 'demo@sera-eval.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00+00:00',
  GIT_COMMITTER_NAME: 'sera-eval',
  GIT_COMMITTER_EMAIL: 'demo@sera-eval.invalid',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00+00:00',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
} as const;

const FIXED_GIT_CONFIG = [
  '-c', 'core.autocrlf=false',
  '-c', 'core.safecrlf=false',
  '-c', 'core.fileMode=true',
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'commit.gpgsign=false',
];

/** Build and test by-products that must never enter the demo repositories' commits. */
const SKIPPED_NAMES = new Set(['.git', '__pycache__', '.pytest_cache']);
const SKIPPED_SUFFIXES = ['.pyc', '.pyo'];

/** Where the plain files of a demo repository (`sera-eval/<name>`) live. */
export function demoRepoSourceDir(repo: string, demoDir: string = DEMO_DIR): string {
  const match = /^sera-eval\/([a-z0-9][a-z0-9-]*)$/.exec(repo);
  if (!match?.[1]) throw new InputError(`not a demo repository: ${JSON.stringify(repo)} (expected ${DEMO_OWNER}/<name>)`);
  return path.join(demoDir, 'repos', match[1]);
}

/**
 * Copy a demo repository's files into `destDir` (which must not exist or be empty), make it a git
 * repository on branch `main` with one commit "Initial commit", and return that commit's sha. The
 * sha depends only on the files' names and contents: identity, dates, config and modes are fixed.
 */
export async function materializeRepo(srcDir: string, destDir: string): Promise<string> {
  if (!(await isDirectory(srcDir))) throw new InputError(`${srcDir}: not a directory of demo repository files`);
  await assertEmptyOrMissing(destDir);
  await copyTree(srcDir, destDir);
  await git(destDir, ['init', '-q', '-b', 'main']);
  await git(destDir, ['add', '-A']);
  await git(destDir, ['commit', '-q', '--no-verify', '-m', 'Initial commit']);
  return (await git(destDir, ['rev-parse', 'HEAD'])).trim();
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

async function assertEmptyOrMissing(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length > 0) throw new InputError(`${dir}: destination for a demo repository must be empty or missing`);
}

async function copyTree(srcDir: string, destDir: string): Promise<void> {
  await mkdir(destDir, { recursive: true });
  const entries = await readdir(srcDir, { withFileTypes: true });
  for (const entry of entries) {
    if (SKIPPED_NAMES.has(entry.name) || SKIPPED_SUFFIXES.some((s) => entry.name.endsWith(s))) continue;
    const from = path.join(srcDir, entry.name);
    const to = path.join(destDir, entry.name);
    if (entry.isDirectory()) {
      await copyTree(from, to);
    } else if (entry.isFile()) {
      await copyFile(from, to);
      // git records only 644 vs 755; a checkout's umask or an executable bit would change the tree sha.
      await chmod(to, 0o644);
    } else {
      throw new InputError(`${from}: demo repositories may contain only regular files and directories`);
    }
  }
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', [...FIXED_GIT_CONFIG, ...args], {
      cwd,
      env: { ...process.env, ...FIXED_COMMIT_ENV },
    });
    return stdout;
  } catch (err) {
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${errorMessage(err)}`, { cause: err });
  }
}

/** The fields of a demo row this module reads or rewrites; every other field is kept byte for byte. */
const DemoRowCommitsSchema = z
  .object({
    instance_id: z.string().min(1),
    repo: z.string().regex(/^sera-eval\/[a-z0-9][a-z0-9-]*$/, `expected ${DEMO_OWNER}/<name>`),
    base_commit: z.string(),
    environment_setup_commit: z.string(),
  })
  .passthrough();

export interface BaseCommitChange {
  instance_id: string;
  field: 'base_commit' | 'environment_setup_commit';
  from: string;
  to: string;
}

/**
 * Materialize every repository the demo rows use, and list the rows whose base_commit or
 * environment_setup_commit differs from the sha its files produce now. With `write`, rewrite
 * demo.jsonl with the new shas (one JSON object per line, other fields unchanged).
 */
export async function syncDemoBaseCommits(
  opts: { demoDir?: string; write: boolean },
): Promise<BaseCommitChange[]> {
  const demoDir = opts.demoDir ?? DEMO_DIR;
  const datasetPath = path.join(demoDir, 'demo.jsonl');
  const rows = parseJsonLines(await readFile(datasetPath, 'utf8'), datasetPath).map(({ value, location }) => {
    const parsed = DemoRowCommitsSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${location}: field ${issue?.path.join('.') || '(row)'}: ${issue?.message ?? 'invalid row'}`);
    }
    return parsed.data;
  });

  const shaByRepo = new Map<string, string>();
  for (const repo of new Set(rows.map((row) => row.repo))) {
    shaByRepo.set(repo, await baseCommitOf(demoRepoSourceDir(repo, demoDir)));
  }

  const changes: BaseCommitChange[] = [];
  for (const row of rows) {
    const sha = shaByRepo.get(row.repo) ?? '';
    for (const field of ['base_commit', 'environment_setup_commit'] as const) {
      if (row[field] === sha) continue;
      changes.push({ instance_id: row.instance_id, field, from: row[field], to: sha });
      row[field] = sha;
    }
  }
  if (opts.write && changes.length > 0) {
    await writeFileAtomic(datasetPath, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  }
  return changes;
}

/** The sha `materializeRepo` gives for a source directory, computed in a throwaway directory. */
export async function baseCommitOf(srcDir: string): Promise<string> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'sera-eval-demo-'));
  try {
    return await materializeRepo(srcDir, path.join(scratch, 'repo'));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `npx tsx src/benchmarks/demo/demo-repo.ts [--update]`: report stale shas (exit 1), or rewrite them. */
async function main(argv: string[]): Promise<number> {
  const write = argv.includes('--update');
  const unknown = argv.filter((arg) => arg !== '--update');
  if (unknown.length > 0) {
    process.stderr.write(`usage: demo-repo.ts [--update]\nunknown argument: ${unknown.join(' ')}\n`);
    return 2;
  }
  const changes = await syncDemoBaseCommits({ write });
  for (const c of changes) {
    process.stdout.write(`${c.instance_id}: ${c.field} ${c.from || '(empty)'} -> ${c.to}\n`);
  }
  if (changes.length === 0) {
    process.stdout.write(`${DEMO_DATASET_PATH}: every base_commit is up to date\n`);
    return 0;
  }
  process.stdout.write(write ? `updated ${DEMO_DATASET_PATH}\n` : 'stale; run again with --update to rewrite demo.jsonl\n');
  return write ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${errorMessage(err)}\n`);
      process.exitCode = err instanceof InputError ? 2 : 1;
    },
  );
}
