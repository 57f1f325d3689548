import type { SpecFields } from './test-spec.js';

const forVersions = (versions: string[], fields: SpecFields): Record<string, SpecFields> =>
  Object.fromEntries(versions.map((v) => [v, fields]));

const QHULL = [
  'QHULL_URL="http://www.qhull.org/download/qhull-2020-src-8.0.2.tgz"',
  'QHULL_TAR="/tmp/qhull-2020-src-8.0.2.tgz"',
  'QHULL_BUILD_DIR="/testbed/build"',
  'wget -O "$QHULL_TAR" "$QHULL_URL"',
  'mkdir -p "$QHULL_BUILD_DIR"',
  'tar -xvzf "$QHULL_TAR" -C "$QHULL_BUILD_DIR"',
];
const MPL_INSTALL = 'python -m pip install -e .';

export const MATPLOTLIB_SPECS: Record<string, SpecFields> = {
  '3.0': {
    python: '3.7',
    testCmd: 'pytest -rA',
    install: MPL_INSTALL,
    preInstall: [
      'apt-get -y update && apt-get -y upgrade && apt-get install -y imagemagick ffmpeg libfreetype6-dev pkg-config',
      ...QHULL,
    ],
  },
  ...forVersions(['3.1', '3.4'], {
    python: '3.8',
    testCmd: 'pytest -rA',
    install: MPL_INSTALL,
    preInstall: [
      'apt-get -y update && apt-get -y upgrade && DEBIAN_FRONTEND=noninteractive apt-get install -y imagemagick ffmpeg libfreetype6-dev pkg-config texlive texlive-latex-extra texlive-fonts-recommended texlive-xetex texlive-luatex cm-super',
      ...QHULL,
    ],
  }),
  ...forVersions(['3.5', '3.6', '3.7'], {
    python: '3.11',
    testCmd: 'pytest -rA',
    install: MPL_INSTALL,
    preInstall: [
      'apt-get -y update && apt-get -y upgrade && DEBIAN_FRONTEND=noninteractive apt-get install -y imagemagick ffmpeg texlive texlive-latex-extra texlive-fonts-recommended texlive-xetex texlive-luatex cm-super dvipng',
      ...QHULL,
    ],
  }),
};

const SKLEARN_INSTALL = 'python -m pip install -v --no-use-pep517 --no-build-isolation -e .';
export const SKLEARN_SPECS: Record<string, SpecFields> = {
  ...forVersions(['0.20', '0.21', '0.22'], { python: '3.6', testCmd: 'pytest -rA', install: SKLEARN_INSTALL }),
  '1.3': { python: '3.9', testCmd: 'pytest -rA', install: SKLEARN_INSTALL },
};

const ASTROPY_INSTALL = 'python -m pip install -e .[test] --verbose';
export const ASTROPY_SPECS: Record<string, SpecFields> = {
  '1.3': { python: '3.6', testCmd: 'pytest -rA -vv -o console_output_style=classic --tb=no', install: ASTROPY_INSTALL },
  '3.1': { python: '3.9', testCmd: 'pytest -rA', install: ASTROPY_INSTALL },
  ...forVersions(['4.3', '5.0', '5.1', '5.2'], {
    python: '3.9',
    testCmd: 'pytest -rA',
    install: ASTROPY_INSTALL,
    preInstall: [`sed -i 's/requires = \\["setuptools",/requires = \\["setuptools==68.0.0",/' pyproject.toml`],
  }),
};

export const XARRAY_SPECS = forVersions(['0.12', '2022.03', '2022.06', '2022.09'], {
  python: '3.10',
  testCmd: 'pytest -rA',
  install: 'python -m pip install -e .',
});

export const PYTEST_SPECS: Record<string, SpecFields> = {
  ...forVersions(['4.5', '4.6', '5.0', '5.1', '5.2', '5.4', '6.0', '6.2', '7.2'], {
    python: '3.9',
    testCmd: 'pytest -rA',
    install: 'python -m pip install -e .',
  }),
  '6.3': {
    python: '3.9',
    testCmd: 'pytest -rA',
    install: 'python -m pip install -e .',
    preInstall: ["sed -i 's/>=>=/>=/' setup.cfg"],
  },
};

export const PYLINT_SPECS = forVersions(['2.9', '2.10', '2.14', '2.15', '3.0'], {
  python: '3.9',
  testCmd: 'pytest -rA',
  install: 'python -m pip install -e .',
});

export const REQUESTS_SPECS = forVersions(['1.1', '2.0', '2.3', '2.4', '2.9', '2.26', '2.27'], {
  python: '3.9',
  testCmd: 'pytest -rA',
  install: 'python -m pip install .',
});

export const SEABORN_SPECS = forVersions(['0.12'], {
  python: '3.9',
  testCmd: 'pytest --no-header -rA',
  install: 'python -m pip install -e .[dev]',
});

export const FLASK_SPECS = forVersions(['2.3'], {
  python: '3.11',
  testCmd: 'pytest -rA',
  install: 'python -m pip install -e .',
});
