import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import { gradeLog } from '../../../src/evaluation/grade-log.js';
import { demoBenchmark } from '../../../src/benchmarks/demo/demo.js';
import { evalLog, planFor } from './instances.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { rows } = await loadDataset(path.join(repoRoot, 'datasets/demo/demo.jsonl'), { cacheDir: tmpdir() });

describe('the demo benchmark is gradable', () => {
  it('has rows, all graded by the demo benchmark with plain pytest', () => {
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const plan = demoBenchmark.gradingPlan(row);
      expect(plan.evalScript, row.instance_id).toMatch(/^pytest -rA /m);
      expect(plan.evalScript, row.instance_id).not.toContain('conda');
    }
  });

  it('resolves each row from a pytest -rA log passing its tests, and not when one F2P fails', () => {
    for (const row of rows) {
      const names = [...row.FAIL_TO_PASS, ...row.PASS_TO_PASS];
      const passing = gradeLog(evalLog(names.map((n) => `PASSED ${n}`).join('\n')), planFor(row));
      expect(passing.resolution, row.instance_id).toBe('RESOLVED_FULL');
      const [first, ...rest] = row.FAIL_TO_PASS;
      const failing = gradeLog(evalLog([`FAILED ${first} - AssertionError`, ...[...rest, ...row.PASS_TO_PASS].map((n) => `PASSED ${n}`)].join('\n'), 1), planFor(row));
      expect(failing.resolution, row.instance_id).not.toBe('RESOLVED_FULL');
      expect(failing.tests_status.FAIL_TO_PASS.failure, row.instance_id).toEqual([first]);
    }
  });
});
