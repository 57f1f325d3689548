import { PY_WS, pySplit, pyStrip } from './python-strings.js';
import type { StatusMap } from '../../../evaluation/grading-plan.js';

const PASS_SUFFIXES = [' ... ok', ' ... OK', ' ...  OK'];
const VERSION_TEST = '--version is equivalent to version';

// Python re.MULTILINE ^ and $ (only \n ends a line there), `.` as [^\n], (?s:.*?) as [\s\S]*?.
const BOL = '(?<![^\\n])';
const EOL = '(?![^\\n])';
/**
 * Django's runner sometimes prints a long message between `name ...` and `ok`, pushing `ok` to
 * its own line (SWE-bench #165/#166/#167); these three shapes are recognised on the whole log.
 */
const INTERRUPTED_OK = [
  new RegExp(`${BOL}([^\\n]*?)${PY_WS}\\.\\.\\.${PY_WS}Testing against Django installed in ([\\s\\S]*?) silenced\\)\\.\\nok${EOL}`, 'g'),
  new RegExp(`${BOL}([^\\n]*?)${PY_WS}\\.\\.\\.${PY_WS}Internal Server Error: \\/([^\\n]*)\\/\\nok${EOL}`, 'g'),
  new RegExp(`${BOL}([^\\n]*?)${PY_WS}\\.\\.\\.${PY_WS}System check identified no issues \\(0 silenced\\)\\nok${EOL}`, 'g'),
];

/** parse_log_django (runtests.py --verbosity 2): `name (module.Class) ... ok|FAIL|ERROR|skipped`. */
export function parseLogDjango(log: string): StatusMap {
  const map: StatusMap = new Map();
  let prevTest: string | undefined;
  for (const raw of log.split('\n')) {
    let line = pyStrip(raw);
    if (line.includes(VERSION_TEST)) map.set(VERSION_TEST, 'PASSED');
    if (line.includes(' ... ')) prevTest = before(line, ' ... ');
    for (const suffix of PASS_SUFFIXES) {
      if (!line.endsWith(suffix)) continue;
      // django__django-7188 prints a migration line and the test result on one line.
      if (line.startsWith('Applying sites.0002_alter_domain_unique...test_no_migrations')) {
        line = pyStrip(line.slice(line.indexOf('...') + 3));
      }
      map.set(line.slice(0, line.lastIndexOf(suffix)), 'PASSED');
      break;
    }
    if (line.includes(' ... skipped')) map.set(before(line, ' ... skipped'), 'SKIPPED');
    if (line.endsWith(' ... FAIL')) map.set(before(line, ' ... FAIL'), 'FAILED');
    if (line.startsWith('FAIL:')) setSecondToken(map, line, 'FAILED');
    if (line.endsWith(' ... ERROR')) map.set(before(line, ' ... ERROR'), 'ERROR');
    if (line.startsWith('ERROR:')) setSecondToken(map, line, 'ERROR');
    if (line.startsWith('ok') && prevTest !== undefined) map.set(prevTest, 'PASSED');
  }
  for (const pattern of INTERRUPTED_OK) {
    for (const match of log.matchAll(pattern)) map.set(match[1] ?? '', 'PASSED');
  }
  return map;
}

/** Python's `text.split(separator)[0]`. */
function before(text: string, separator: string): string {
  return text.slice(0, text.indexOf(separator));
}

function setSecondToken(map: StatusMap, line: string, status: string): void {
  const name = pySplit(line)[1];
  if (name !== undefined) map.set(name, status);
}
