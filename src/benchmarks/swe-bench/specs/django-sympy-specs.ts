import type { SpecFields } from './test-spec.js';

const TEST_DJANGO = './tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1';

const DJANGO_1_X: SpecFields = {
  python: '3.5',
  testCmd: TEST_DJANGO,
  install: 'python setup.py install',
  preInstall: [
    'apt-get update && apt-get install -y locales',
    "echo 'en_US UTF-8' > /etc/locale.gen",
    'locale-gen en_US.UTF-8',
  ],
  evalCommands: [
    'export LANG=en_US.UTF-8',
    'export LC_ALL=en_US.UTF-8',
    'export PYTHONIOENCODING=utf8',
    'export LANGUAGE=en_US:en',
  ],
};

const DJANGO_3_X: SpecFields = {
  python: '3.6',
  testCmd: TEST_DJANGO,
  install: 'python -m pip install -e .',
  evalCommands: [
    "sed -i '/en_US.UTF-8/s/^# //g' /etc/locale.gen && locale-gen",
    'export LANG=en_US.UTF-8',
    'export LANGUAGE=en_US:en',
    'export LC_ALL=en_US.UTF-8',
  ],
};

const djangoModern = (python: string): SpecFields => ({
  python,
  testCmd: TEST_DJANGO,
  install: 'python -m pip install -e .',
});

/** SWE-bench v4.1.0 SPECS_DJANGO, the versions Verified uses (reference Appendix A). */
export const DJANGO_SPECS: Record<string, SpecFields> = {
  '1.11': DJANGO_1_X,
  '2.2': DJANGO_1_X,
  '3.0': DJANGO_3_X,
  '3.1': DJANGO_3_X,
  '3.2': DJANGO_3_X,
  '4.0': djangoModern('3.8'),
  '4.1': djangoModern('3.9'),
  '4.2': djangoModern('3.9'),
  '5.0': djangoModern('3.11'),
};

const SYMPY: SpecFields = {
  python: '3.9',
  testCmd: "PYTHONWARNINGS='ignore::UserWarning,ignore::SyntaxWarning' bin/test -C --verbose",
  install: 'python -m pip install -e .',
};

/** SWE-bench v4.1.0 SPECS_SYMPY for the versions in Verified. */
export const SYMPY_SPECS: Record<string, SpecFields> = Object.fromEntries(
  ['1.0', '1.1', '1.2', '1.4', '1.5', '1.6', '1.7', '1.8', '1.9', '1.10', '1.11', '1.12'].map((v) => [v, SYMPY]),
);
