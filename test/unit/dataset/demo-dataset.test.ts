import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_DATASET_PATH, demoRepoSourceDir, materializeRepo } from '../../../src/benchmarks/demo/demo-repo.js';
import { parseJsonLines } from '../../../src/dataset/read-records.js';
import { SweBenchInstanceSchema, type SweBenchInstance } from '../../../src/dataset/schema.js';

const rows: SweBenchInstance[] = parseJsonLines(readFileSync(DEMO_DATASET_PATH, 'utf8'), DEMO_DATASET_PATH).map(
  ({ value, location }) => {
    const parsed = SweBenchInstanceSchema.safeParse(value);
    if (!parsed.success) throw new Error(`${location}: ${parsed.error.message}`);
    return parsed.data;
  },
);

/** The official harness's test directives: every path a test patch touches (`diff --git a/.* b/(.*)`). */
function testPatchFiles(testPatch: string): string[] {
  return [...testPatch.matchAll(/^diff --git a\/.* b\/(.*)$/gm)].map((m) => m[1] ?? '');
}

const scratch = mkdtempSync(path.join(tmpdir(), 'sera-eval-demo-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('datasets/demo/demo.jsonl', () => {
  it('has at least three instances on three repositories, with unique ids', () => {
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(new Set(rows.map((r) => r.repo)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(rows.map((r) => r.instance_id)).size).toBe(rows.length);
  });

  it.each(rows.map((r) => [r.instance_id, r] as const))('%s follows the SWE-bench row conventions', (_id, row) => {
    const name = row.repo.replace(/^sera-eval\//, '');
    expect(row.repo).toMatch(/^sera-eval\/[a-z0-9-]+$/);
    expect(row.instance_id).toMatch(new RegExp(`^sera-eval__${name}-\\d+$`));
    expect(row.version).toBe('0.1');
    expect(row.difficulty).toBe('<15 min fix');
    expect(row.hints_text).toBe('');
    expect(row.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(row.base_commit).toMatch(/^[0-9a-f]{40}$/);
    expect(row.environment_setup_commit).toBe(row.base_commit);
    expect(row.problem_statement).toContain('```python');
    expect(row.patch).toMatch(/^diff --git a\//);
    expect(testPatchFiles(row.patch).every((file) => !file.startsWith('tests/'))).toBe(true);
  });

  it.each(rows.map((r) => [r.instance_id, r] as const))(
    '%s lists pytest node ids that only the files of its test patch can produce',
    (_id, row) => {
      const directives = testPatchFiles(row.test_patch);
      expect(directives.length).toBeGreaterThan(0);
      expect(directives.every((file) => /^tests\/test_[a-z_]+\.py$/.test(file))).toBe(true);
      expect(row.FAIL_TO_PASS.length).toBeGreaterThan(0);
      expect(row.PASS_TO_PASS.length).toBeGreaterThanOrEqual(5);
      expect(row.PASS_TO_PASS.length).toBeLessThanOrEqual(15);
      const ids = [...row.FAIL_TO_PASS, ...row.PASS_TO_PASS];
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) {
        // No whitespace: the pytest log parser splits summary lines on it.
        expect(id).toMatch(/^tests\/test_[a-z_]+\.py::test_[a-z0-9_]+(\[[a-z0-9-]+\])?$/);
        expect(directives).toContain(id.split('::')[0]);
      }
    },
  );

  it('exercises a test patch that only adds files and a parametrized test id', () => {
    const onlyAdds = rows.filter((row) => {
      const headers = row.test_patch.split('\n').filter((line) => line.startsWith('--- '));
      return headers.length > 0 && headers.every((line) => line === '--- /dev/null');
    });
    expect(onlyAdds.length).toBeGreaterThanOrEqual(1);
    expect(rows.some((row) => row.FAIL_TO_PASS.some((id) => id.endsWith(']')))).toBe(true);
  });
});

describe.each(rows.map((r) => [r.instance_id, r] as const))('%s on its materialized repository', (id, row) => {
  const dir = path.join(scratch, id);
  let sha = '';

  it('materializes to exactly base_commit', async () => {
    sha = await materializeRepo(demoRepoSourceDir(row.repo), dir);
    expect(sha).toBe(row.base_commit);
    expect(git(dir, ['status', '--porcelain'])).toBe('');
  });

  it('takes test_patch and then the gold patch with git apply', () => {
    expect(sha).toBe(row.base_commit);
    writeFileSync(path.join(scratch, `${id}.test.diff`), row.test_patch);
    writeFileSync(path.join(scratch, `${id}.gold.diff`), row.patch);
    git(dir, ['apply', '--check', path.join(scratch, `${id}.test.diff`)]);
    git(dir, ['apply', '--check', path.join(scratch, `${id}.gold.diff`)]);
    git(dir, ['apply', path.join(scratch, `${id}.test.diff`)]);
    git(dir, ['apply', '--check', path.join(scratch, `${id}.gold.diff`)]);
    git(dir, ['apply', path.join(scratch, `${id}.gold.diff`)]);
    git(dir, ['add', '-A']);
    const changed = git(dir, ['diff', '--cached', '--name-only']).trim().split('\n').sort();
    expect(changed).toEqual([...testPatchFiles(row.test_patch), ...testPatchFiles(row.patch)].sort());
  });
});
