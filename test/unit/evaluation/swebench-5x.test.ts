import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/dataset/load-dataset.js';
import { SweBenchInstanceSchema, type SweBenchInstance } from '../../../src/dataset/schema.js';
import { imageNameFor } from '../../../src/benchmarks/swe-bench/image-names.js';
import { START_TEST_OUTPUT } from '../../../src/evaluation/eval-markers.js';
import { EXIT_CODE_VARIABLE, makeEvalScript } from '../../../src/benchmarks/swe-bench/eval-script.js';
import { gradeLog } from '../../../src/evaluation/grade-log.js';
import { gradingInputSha256 } from '../../../src/evaluation/grading-input-hash.js';
import { gradingPlan, officialEvalScript } from '../../../src/benchmarks/swe-bench/shipped-eval.js';
import { findTestSpec } from '../../../src/benchmarks/swe-bench/specs/find-test-spec.js';
import { gradeInEnvironment } from '../../../src/evaluation/grade-in-environment.js';
import { makeInstanceReportEntry } from '../../../src/evaluation/instance-report.js';
import { buildSummary } from '../../../src/report/build-summary.js';
import { SummarySchema } from '../../../src/report/summary-schema.js';
import { InstanceReportEntrySchema } from '../../../src/run-dir/schemas.js';
import { FakeEnvironment } from '../../support/fake-environment.js';
import { verifiedJsonl } from '../../support/shared-datasets.js';
import { evalLog, planFor } from './instances.js';

const { rows } = await loadDataset(verifiedJsonl(), { cacheDir: tmpdir() });
const row = (id: string): SweBenchInstance => {
  const found = rows.find((r) => r.instance_id === id);
  if (!found) throw new Error(`${id} not in Verified`);
  return found;
};
const builtScript = (id: string) => makeEvalScript(row(id), findTestSpec(row(id).repo, row(id).version));
const linesBeforeStart = (script: string, count: number) => {
  const lines = script.split('\n');
  const start = lines.indexOf(`: '${START_TEST_OUTPUT}'`);
  return lines.slice(start - count, start);
};

/** A row as SWE-bench 5.x ships it: eval_script without the exit-code lines (the harness adds them). */
function shipped5x(instance: SweBenchInstance, editScript: (script: string) => string = (s) => s): SweBenchInstance {
  const script = makeEvalScript(instance, findTestSpec(instance.repo, instance.version))
    .split('\n')
    .filter((line) => !line.includes(EXIT_CODE_VARIABLE))
    .join('\n');
  return SweBenchInstanceSchema.parse({
    ...instance,
    eval_script: editScript(script),
    log_parser: 'parse_log_django',
    eval_type: 'pass_and_fail',
    image: 'swebench/sweb.eval.x86_64.django_1776_django-11099:latest',
  });
}

describe("SWE-bench 5.x's per-instance repairs, for rows without the 5.x columns", () => {
  it("astropy-8707 pins pytest<7.2 and astropy-8872 sets SETUPTOOLS_USE_DISTUTILS=stdlib, right before the tests", () => {
    expect(linesBeforeStart(builtScript('astropy__astropy-8707'), 2)).toEqual(['EOF_114329324912', "python -m pip install -q 'pytest<7.2'"]);
    expect(linesBeforeStart(builtScript('astropy__astropy-8872'), 2)).toEqual(['EOF_114329324912', 'export SETUPTOOLS_USE_DISTUTILS=stdlib']);
    expect(linesBeforeStart(builtScript('astropy__astropy-12907'), 1)).toEqual(['EOF_114329324912']);
  });

  it('astropy-7336 resets its renamed test file under the new name', () => {
    const resets = builtScript('astropy__astropy-7336').split('\n').filter((l) => l.startsWith('git checkout '));
    expect(resets).toEqual(
      Array(2).fill(
        'git checkout 732d89c2940156bdc0e200bb36dc38b5e424bcba astropy/units/tests/test_quantity_annotations.py astropy/units/tests/test_quantity_decorator.py',
      ),
    );
  });

  it('astropy-7606 and django-10097 are graded without the PASS_TO_PASS labels 5.x removed', () => {
    const astropy = row('astropy__astropy-7606');
    const removed = 'astropy/units/tests/test_units.py::test_compose_roundtrip[]';
    expect(astropy.PASS_TO_PASS).toContain(removed);
    const passing = [...astropy.FAIL_TO_PASS, ...astropy.PASS_TO_PASS.filter((n) => n !== removed)].map((n) => `PASSED ${n}`);
    const grade = gradeLog(evalLog(passing.join('\n')), planFor(astropy));
    expect(grade.resolution).toBe('RESOLVED_FULL');
    expect(grade.tests_status.PASS_TO_PASS.failure).toEqual([]);

    const django = row('django__django-10097');
    const gone = 'test_add (generic_inline_admin.tests.GenericInlineAdminWithUniqueTogetherTest)';
    expect(django.PASS_TO_PASS).toContain(gone);
    const djangoLog = [...django.FAIL_TO_PASS, ...django.PASS_TO_PASS].map((n) => `${n} ... ${n.startsWith('test_add (generic') ? 'FAIL' : 'ok'}`);
    const djangoGrade = gradeLog(evalLog(djangoLog.join('\n'), 1), planFor(django));
    expect(djangoGrade.resolution).toBe('RESOLVED_FULL');
    expect(djangoGrade.tests_status.PASS_TO_PASS.success).not.toContain(gone);
  });
});

describe('rows with the 5.x columns eval_script, log_parser and image', () => {
  it('run the shipped script with the exit-code lines 5.x adds, and say it matches the one sera-eval builds', () => {
    const instance = shipped5x(row('django__django-11099'));
    const plan = gradingPlan(instance);
    expect(plan.evalScript).toBe(builtScript('django__django-11099'));
    expect(plan.shippedEvalScript).toBe('same');
    expect(plan.parser).toBe('parse_log_django');
    expect(imageNameFor(instance, 'epoch')).toBe('swebench/sweb.eval.x86_64.django_1776_django-11099:latest');
  });

  it('runs a shipped script that differs as shipped, and says it differs', () => {
    const instance = shipped5x(row('django__django-11099'), (s) => s.replace('git status\n', 'git status\necho repaired\n'));
    const plan = gradingPlan(instance);
    expect(plan.shippedEvalScript).toBe('differs');
    expect(plan.evalScript).toContain('\ngit status\necho repaired\n');
    expect(plan.evalScript.endsWith(`echo ">>>>> Test Exit Code: $SWEBENCH_TEST_EXIT_CODE"\n${builtScript('django__django-11099').split('\n').at(-2)}\n`)).toBe(true);
    expect(gradingInputSha256({ plan, patch: 'p', image: null })).not.toBe(
      gradingInputSha256({ plan: gradingPlan(row('django__django-11099')), patch: 'p', image: null }),
    );
  });

  it("follows utils.py's parse_eval_script and record_test_exit_code exactly", () => {
    const shipped = "#!/bin/bash\nset -uxo pipefail\ncd /testbed\n: '>>>>> Start Test Output'\npytest -rA t.py\n: '>>>>> End Test Output'\ngit checkout abc t.py\n\n";
    expect(officialEvalScript(shipped)).toBe(
      [
        '#!/bin/bash',
        'set -uxo pipefail',
        'cd /testbed',
        ": '>>>>> Start Test Output'",
        'pytest -rA t.py',
        'SWEBENCH_TEST_EXIT_CODE=$?',
        ": '>>>>> End Test Output'",
        'echo ">>>>> Test Exit Code: $SWEBENCH_TEST_EXIT_CODE"',
        'git checkout abc t.py',
        '',
      ].join('\n'),
    );
  });

  it('grade with the named parser, whatever the repo', () => {
    const instance = SweBenchInstanceSchema.parse({
      ...row('django__django-11099'),
      repo: 'example/unknown',
      version: '0',
      FAIL_TO_PASS: '["t.py::a"]',
      PASS_TO_PASS: '[]',
      eval_script: "#!/bin/bash\n: '>>>>> Start Test Output'\npytest\n: '>>>>> End Test Output'\n",
      log_parser: 'parse_log_scikit',
    });
    expect(gradingPlan(instance)).toMatchObject({ parser: 'parse_log_pytest_v2', shippedEvalScript: 'differs' });
    expect(gradeLog(evalLog('\x1b[32mPASSED\x1b[0m t.py::a'), planFor(instance)).resolution).toBe('RESOLVED_FULL');
  });

  it('refuse an unknown log_parser or a fail_only eval_type at load, naming the field', () => {
    const bad = SweBenchInstanceSchema.safeParse({ ...row('django__django-11099'), log_parser: 'parse_log_jest' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['log_parser']);
    const failOnly = SweBenchInstanceSchema.safeParse({ ...row('django__django-11099'), eval_type: 'fail_only' });
    expect(failOnly.error?.issues[0]?.message).toMatch(/pass_and_fail/);
  });
});

describe('a shipped eval_script that differs is reported', () => {
  it('in the cell report and in the run summary', async () => {
    const instance = shipped5x(row('django__django-11099'), (s) => s.replace('git status\n', 'git status\necho repaired\n'));
    const env = new FakeEnvironment((argv) => (argv[1] === '/eval.sh' ? { output: 'no markers' } : {}));
    const run = await gradeInEnvironment({ env, plan: gradingPlan(instance), patch: 'diff --git a/x b/x\n', timeoutS: 60, maxOutputBytes: 1000 });
    expect(env.text('/eval.sh')).toContain('echo repaired');
    expect(run.shippedEvalScript).toBe('differs');
    const info = { modelPatch: 'p', modelNameOrPath: 'm', context: '-', seed: '-', inputSha256: 'x', image: null, totalS: 1, attempts: 1, finishedAt: new Date(0) };
    const entry = makeInstanceReportEntry(run.verdict, run, info);
    expect(InstanceReportEntrySchema.parse(entry).sera_eval.shipped_eval_script).toBe('differs');
    const same = makeInstanceReportEntry({ kind: 'empty_patch' }, null, info);
    expect(same.sera_eval.shipped_eval_script).toBeUndefined();
    const summary = buildSummary({
      manifest: { run_id: 'r', model_name_or_path: 'm', contexts: [], seeds: [] },
      rows: [instance],
      predictions: [{ instance_id: instance.instance_id, model_name_or_path: 'm', model_patch: 'p' }],
      cells: [{ instanceId: instance.instance_id, context: '-', seed: '-', entry }],
    });
    expect(SummarySchema.parse(summary).shipped_eval_script_differs_ids).toEqual(['django__django-11099']);
  });
});
