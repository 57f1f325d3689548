import type { LogParserName } from '../specs/test-spec.js';
import { parseLogDjango } from './django-parser.js';
import type { LogParser } from '../../../evaluation/grading-plan.js';
import {
  parseLogMatplotlib,
  parseLogPytest,
  parseLogPytestOptions,
  parseLogPytestV2,
  parseLogSeaborn,
} from './pytest-parsers.js';
import { parseLogSympy } from './sympy-parser.js';


/** The official parsers by their official names (MAP_REPO_TO_PARSER_PY picks one per repo). */
export const LOG_PARSERS: Readonly<Record<LogParserName, LogParser>> = {
  parse_log_django: parseLogDjango,
  parse_log_sympy: parseLogSympy,
  parse_log_pytest: parseLogPytest,
  parse_log_pytest_v2: parseLogPytestV2,
  parse_log_pytest_options: parseLogPytestOptions,
  parse_log_matplotlib: parseLogMatplotlib,
  parse_log_seaborn: parseLogSeaborn,
};
