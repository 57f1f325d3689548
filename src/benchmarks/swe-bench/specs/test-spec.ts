/** The log parsers of SWE-bench v4.1.0 (`swebench/harness/log_parsers/python.py`), by their names there. */
const LOG_PARSER_NAMES = [
  'parse_log_django',
  'parse_log_sympy',
  'parse_log_pytest',
  'parse_log_pytest_v2',
  'parse_log_pytest_options',
  'parse_log_matplotlib',
  'parse_log_seaborn',
] as const;
export type LogParserName = (typeof LOG_PARSER_NAMES)[number];

/** How one repo at one version is tested (MAP_REPO_VERSION_TO_SPECS in the official harness). */
export interface TestSpec {
  repo: string;
  version: string;
  /** Python of the image's conda env; informational (images are built elsewhere). */
  python?: string;
  /** Followed by the test directives. */
  testCmd: string;
  /** Runs at image build and again in eval.sh after the model patch. */
  install?: string;
  /** Image build only (committed in the setup commit); kept so image builders share one source. */
  preInstall?: string[];
  /** Top of eval.sh, after the env is activated. */
  evalCommands?: string[];
  parser: LogParserName;
  /** Lines that activate the test environment; SWE-bench images use conda env `testbed`. */
  activate: string[];
  /** Test directives are dotted module names (django's runtests) rather than file paths. */
  djangoDirectives: boolean;
}

export const CONDA_ACTIVATE = ['source /opt/miniconda3/bin/activate', 'conda activate testbed'];

/** The spec fields that vary; the rest follow from the repo. */
export type SpecFields = Pick<TestSpec, 'python' | 'testCmd' | 'install' | 'preInstall' | 'evalCommands'>;
