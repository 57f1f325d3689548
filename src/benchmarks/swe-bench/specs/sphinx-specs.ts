import type { SpecFields } from './test-spec.js';

const TEST_SPHINX = 'tox --current-env -epy39 -v --';
const INSTALL = 'python -m pip install -e .[test]';
const RA = "sed -i 's/pytest/pytest -rA/' tox.ini";

/** Pins shared by 3.0–4.3 (setup.py seds that keep old sphinx installable). */
const PINS_COMMON = [
  "sed -i 's/Jinja2>=2.3/Jinja2<3.0/' setup.py",
  "sed -i 's/sphinxcontrib-applehelp/sphinxcontrib-applehelp<=1.0.7/' setup.py",
  "sed -i 's/sphinxcontrib-devhelp/sphinxcontrib-devhelp<=1.0.5/' setup.py",
  "sed -i 's/sphinxcontrib-qthelp/sphinxcontrib-qthelp<=1.0.6/' setup.py",
  "sed -i 's/alabaster>=0.7,<0.8/alabaster>=0.7,<0.7.12/' setup.py",
  `sed -i "s/'packaging',/'packaging', 'markupsafe<=2.0.1',/" setup.py`,
];

const SPHINX_3_0_TO_4_0: SpecFields = {
  python: '3.9',
  testCmd: TEST_SPHINX,
  install: INSTALL,
  preInstall: [
    RA,
    ...PINS_COMMON,
    "sed -i 's/sphinxcontrib-htmlhelp/sphinxcontrib-htmlhelp<=2.0.4/' setup.py",
    "sed -i 's/sphinxcontrib-serializinghtml/sphinxcontrib-serializinghtml<=1.1.9/' setup.py",
  ],
};

const SPHINX_4_1: SpecFields = {
  python: '3.9',
  testCmd: TEST_SPHINX,
  install: INSTALL,
  preInstall: [
    RA,
    ...PINS_COMMON,
    "grep -q 'sphinxcontrib-htmlhelp>=2.0.0' setup.py && sed -i 's/sphinxcontrib-htmlhelp>=2.0.0/sphinxcontrib-htmlhelp>=2.0.0,<=2.0.4/' setup.py || sed -i 's/sphinxcontrib-htmlhelp/sphinxcontrib-htmlhelp<=2.0.4/' setup.py",
    "grep -q 'sphinxcontrib-serializinghtml>=1.1.5' setup.py && sed -i 's/sphinxcontrib-serializinghtml>=1.1.5/sphinxcontrib-serializinghtml>=1.1.5,<=1.1.9/' setup.py || sed -i 's/sphinxcontrib-serializinghtml/sphinxcontrib-serializinghtml<=1.1.9/' setup.py",
  ],
};

const SPHINX_4_2_TO_4_3: SpecFields = {
  python: '3.9',
  testCmd: TEST_SPHINX,
  install: INSTALL,
  preInstall: [
    RA,
    ...PINS_COMMON,
    "sed -i 's/sphinxcontrib-htmlhelp>=2.0.0/sphinxcontrib-htmlhelp>=2.0.0,<=2.0.4/' setup.py",
    "sed -i 's/sphinxcontrib-serializinghtml>=1.1.5/sphinxcontrib-serializinghtml>=1.1.5,<=1.1.9/' setup.py",
  ],
};

const SPHINX_5_X: SpecFields = { python: '3.9', testCmd: TEST_SPHINX, install: INSTALL, preInstall: [RA] };

const SPHINX_7_2: SpecFields = {
  python: '3.9',
  testCmd: TEST_SPHINX,
  install: INSTALL,
  preInstall: [RA, 'apt-get update && apt-get install -y graphviz'],
};

/** SWE-bench v4.1.0 SPECS_SPHINX for the versions in Verified (reference Appendix A). */
export const SPHINX_SPECS: Record<string, SpecFields> = {
  ...Object.fromEntries(['3.0', '3.1', '3.2', '3.3', '3.4', '3.5', '4.0'].map((v) => [v, SPHINX_3_0_TO_4_0])),
  '4.1': SPHINX_4_1,
  '4.2': SPHINX_4_2_TO_4_3,
  '4.3': SPHINX_4_2_TO_4_3,
  ...Object.fromEntries(['5.0', '5.1', '5.2', '7.1'].map((v) => [v, SPHINX_5_X])),
  '7.2': SPHINX_7_2,
};
