import { HarnessError } from '../../../errors.js';
import { DJANGO_SPECS, SYMPY_SPECS } from './django-sympy-specs.js';
import {
  ASTROPY_SPECS,
  FLASK_SPECS,
  MATPLOTLIB_SPECS,
  PYLINT_SPECS,
  PYTEST_SPECS,
  REQUESTS_SPECS,
  SEABORN_SPECS,
  SKLEARN_SPECS,
  XARRAY_SPECS,
} from './pytest-repo-specs.js';
import { SPHINX_SPECS } from './sphinx-specs.js';
import { CONDA_ACTIVATE, type LogParserName, type SpecFields, type TestSpec } from './test-spec.js';

interface RepoFamily {
  parser: LogParserName;
  versions: Record<string, SpecFields>;
}

/** MAP_REPO_VERSION_TO_SPECS and MAP_REPO_TO_PARSER_PY of SWE-bench v4.1.0, for the Verified repos. */
const SWE_BENCH_REPOS: Readonly<Record<string, RepoFamily>> = {
  'django/django': { parser: 'parse_log_django', versions: DJANGO_SPECS },
  'sympy/sympy': { parser: 'parse_log_sympy', versions: SYMPY_SPECS },
  'sphinx-doc/sphinx': { parser: 'parse_log_pytest_v2', versions: SPHINX_SPECS },
  'matplotlib/matplotlib': { parser: 'parse_log_matplotlib', versions: MATPLOTLIB_SPECS },
  'scikit-learn/scikit-learn': { parser: 'parse_log_pytest_v2', versions: SKLEARN_SPECS },
  'astropy/astropy': { parser: 'parse_log_pytest_v2', versions: ASTROPY_SPECS },
  'pydata/xarray': { parser: 'parse_log_pytest', versions: XARRAY_SPECS },
  'pytest-dev/pytest': { parser: 'parse_log_pytest', versions: PYTEST_SPECS },
  'pylint-dev/pylint': { parser: 'parse_log_pytest_options', versions: PYLINT_SPECS },
  'psf/requests': { parser: 'parse_log_pytest_options', versions: REQUESTS_SPECS },
  'mwaskom/seaborn': { parser: 'parse_log_seaborn', versions: SEABORN_SPECS },
  'pallets/flask': { parser: 'parse_log_pytest', versions: FLASK_SPECS },
};

export class UnknownTestSpecError extends HarnessError {
  constructor(message: string) {
    super('unknown_spec', message);
  }
}

/**
 * The spec for an instance's repo and version.
 * @throws UnknownTestSpecError naming the repo, version and the versions that are known.
 */
export function findTestSpec(repo: string, version: string): TestSpec {
  const family = SWE_BENCH_REPOS[repo];
  if (family === undefined) {
    throw new UnknownTestSpecError(
      `no test spec for repo ${repo}; known: ${Object.keys(SWE_BENCH_REPOS).join(', ')}`,
    );
  }
  const fields = Object.hasOwn(family.versions, version) ? family.versions[version] : undefined;
  if (fields === undefined) {
    throw new UnknownTestSpecError(
      `no test spec for ${repo} version ${JSON.stringify(version)}; known versions: ${Object.keys(family.versions).join(', ')}`,
    );
  }
  return {
    repo,
    version,
    ...fields,
    parser: family.parser,
    activate: CONDA_ACTIVATE,
    djangoDirectives: repo === 'django/django',
  };
}
