/** Short names accepted by --repos, for the twelve repositories of SWE-bench Verified. */
export const REPO_SHORT_NAMES: Readonly<Record<string, string>> = {
  django: 'django/django',
  sympy: 'sympy/sympy',
  sphinx: 'sphinx-doc/sphinx',
  matplotlib: 'matplotlib/matplotlib',
  sklearn: 'scikit-learn/scikit-learn',
  'scikit-learn': 'scikit-learn/scikit-learn',
  astropy: 'astropy/astropy',
  xarray: 'pydata/xarray',
  pytest: 'pytest-dev/pytest',
  pylint: 'pylint-dev/pylint',
  requests: 'psf/requests',
  seaborn: 'mwaskom/seaborn',
  flask: 'pallets/flask',
};

/** `django` → `django/django`; an `owner/name` is returned as given. */
export function expandRepoName(name: string): string {
  return REPO_SHORT_NAMES[name.toLowerCase()] ?? name;
}
