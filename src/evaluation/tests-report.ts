import type { Resolution, TestsStatus } from '../run-dir/schemas.js';
import type { StatusMap } from './grading-plan.js';

const passed = (name: string, map: StatusMap): boolean => ['PASSED', 'XFAIL'].includes(map.get(name) ?? '');
/** Absent (missing from the log) fails; SKIPPED fails a FAIL_TO_PASS test (#598). */
const failed = (name: string, map: StatusMap): boolean =>
  !map.has(name) || ['FAILED', 'ERROR', 'SKIPPED'].includes(map.get(name) ?? '');
/** A PASS_TO_PASS test that is skipped is still maintained (#598). */
const maintained = (name: string, map: StatusMap): boolean => passed(name, map) || map.get(name) === 'SKIPPED';

/**
 * get_eval_tests_report of the official harness (with #598): a test whose status is none of the
 * known ones lands in neither list, exactly as there. FAIL_TO_FAIL/PASS_TO_FAIL stay empty.
 */
export function testsReport(map: StatusMap, failToPass: string[], passToPass: string[]): TestsStatus {
  const report: TestsStatus = {
    FAIL_TO_PASS: { success: [], failure: [] },
    PASS_TO_PASS: { success: [], failure: [] },
    FAIL_TO_FAIL: { success: [], failure: [] },
    PASS_TO_FAIL: { success: [], failure: [] },
  };
  for (const name of failToPass) {
    if (passed(name, map)) report.FAIL_TO_PASS.success.push(name);
    else if (failed(name, map)) report.FAIL_TO_PASS.failure.push(name);
  }
  for (const name of passToPass) {
    if (maintained(name, map)) report.PASS_TO_PASS.success.push(name);
    else if (failed(name, map)) report.PASS_TO_PASS.failure.push(name);
  }
  return report;
}

function ratio(lists: { success: string[]; failure: string[] }): number {
  const total = lists.success.length + lists.failure.length;
  return total === 0 ? 1 : lists.success.length / total;
}

/** get_resolution_status: FULL when both ratios are 1, PARTIAL when 0 < F2P < 1 and P2P is 1. */
export function resolutionStatus(report: TestsStatus): Resolution {
  const f2p = ratio(report.FAIL_TO_PASS);
  const p2p = ratio(report.PASS_TO_PASS);
  if (f2p === 1 && p2p === 1) return 'RESOLVED_FULL';
  if (f2p > 0 && f2p < 1 && p2p === 1) return 'RESOLVED_PARTIAL';
  return 'RESOLVED_NO';
}
