import { pySplit, pyStrip } from './python-strings.js';
import type { StatusMap } from '../../../evaluation/grading-plan.js';

/** Failure headers `____ sympy/x/tests/test_y.py:test_z ____` (Python `(_*) (.*)\.py:(.*) (_*)`). */
const FAILURE_HEADER = /(_*) ([^\n]*)\.py:([^\n]*) (_*)/g;

/** parse_log_sympy (bin/test --verbose): `test_x ok|F|E`; xfail `f` and skip `s` leave tests absent. */
export function parseLogSympy(log: string): StatusMap {
  const map: StatusMap = new Map();
  for (const match of log.matchAll(FAILURE_HEADER)) map.set(`${match[2] ?? ''}.py:${match[3] ?? ''}`, 'FAILED');
  for (const raw of log.split('\n')) {
    const line = pyStrip(raw);
    if (!line.startsWith('test_')) continue;
    const name = pySplit(line)[0] ?? '';
    if (line.endsWith(' E')) map.set(name, 'ERROR');
    if (line.endsWith(' F')) map.set(name, 'FAILED');
    if (line.endsWith(' ok')) map.set(name, 'PASSED');
  }
  return map;
}
