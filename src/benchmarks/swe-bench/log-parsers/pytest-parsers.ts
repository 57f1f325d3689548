import { TEST_STATUSES, pySplit } from './python-strings.js';
import type { StatusMap } from '../../../evaluation/grading-plan.js';

const startsWithStatus = (line: string): boolean => TEST_STATUSES.some((s) => line.startsWith(s));
const endsWithStatus = (line: string): boolean => TEST_STATUSES.some((s) => line.endsWith(s));

/** `STATUS name` lines (pytest -rA summary); for FAILED, ` - ` before the message becomes a space. */
function statusFirst(line: string, map: StatusMap): void {
  const normalized = line.startsWith('FAILED') ? line.replaceAll(' - ', ' ') : line;
  const tokens = pySplit(normalized);
  const [status, name] = tokens;
  if (status !== undefined && name !== undefined) map.set(name, status);
}

/** parse_log_pytest: pytest, flask, xarray. */
export function parseLogPytest(log: string): StatusMap {
  const map: StatusMap = new Map();
  for (const line of log.split('\n')) if (startsWithStatus(line)) statusFirst(line, map);
  return map;
}

/** parse_log_matplotlib: parse_log_pytest after MouseButton.LEFT → 1 and MouseButton.RIGHT → 3. */
export function parseLogMatplotlib(log: string): StatusMap {
  const map: StatusMap = new Map();
  for (const raw of log.split('\n')) {
    const line = raw.replaceAll('MouseButton.LEFT', '1').replaceAll('MouseButton.RIGHT', '3');
    if (startsWithStatus(line)) statusFirst(line, map);
  }
  return map;
}

/**
 * parse_log_pytest_options: requests, pylint. A parametrize option that is an absolute path
 * (`/tmp/x/y`, not `//`, no `*`) keeps only its last part, since it differs per machine.
 */
export function parseLogPytestOptions(log: string): StatusMap {
  const map: StatusMap = new Map();
  for (const line of log.split('\n')) {
    if (!startsWithStatus(line)) continue;
    const normalized = line.startsWith('FAILED') ? line.replaceAll(' - ', ' ') : line;
    const [status, name] = pySplit(normalized);
    if (status === undefined || name === undefined) continue;
    map.set(normalizeOption(name), status);
  }
  return map;
}

/** Python's re.search(r"(.*?)\[(.*)\]"): text after the last `]` is dropped, as there. */
function normalizeOption(name: string): string {
  const match = /([^\n]*?)\[([^\n]*)\]/.exec(name);
  if (!match) return name;
  const main = match[1] ?? '';
  let option = match[2] ?? '';
  if (option.startsWith('/') && !option.startsWith('//') && !option.includes('*')) {
    option = `/${option.split('/').at(-1) ?? ''}`;
  }
  return `${main}[${option}]`;
}

/**
 * parse_log_pytest_v2: sphinx, astropy, scikit-learn. Colour codes (`[31m`) and control characters
 * 1–31 (tabs and \r included) are removed first. Besides `STATUS name`, it accepts the `-v` form
 * `name STATUS` (line ending with a status).
 */
export function parseLogPytestV2(log: string): StatusMap {
  const map: StatusMap = new Map();
  for (const raw of log.split('\n')) {
    // eslint-disable-next-line no-control-regex
    const line = raw.replace(/\[(\d+)m/g, '').replace(/[\x01-\x1f]/g, '');
    if (startsWithStatus(line)) {
      statusFirst(line, map);
    } else if (endsWithStatus(line)) {
      const [name, status] = pySplit(line);
      if (name !== undefined && status !== undefined) map.set(name, status);
    }
  }
  return map;
}

/** parse_log_seaborn. */
export function parseLogSeaborn(log: string): StatusMap {
  const map: StatusMap = new Map();
  for (const line of log.split('\n')) {
    if (line.startsWith('FAILED')) {
      const name = pySplit(line)[1];
      if (name !== undefined) map.set(name, 'FAILED');
    } else if (line.includes(' PASSED ')) {
      const parts = pySplit(line);
      if (parts[1] === 'PASSED' && parts[0] !== undefined) map.set(parts[0], 'PASSED');
    } else if (line.startsWith('PASSED')) {
      const name = pySplit(line)[1];
      if (name !== undefined) map.set(name, 'PASSED');
    }
  }
  return map;
}
