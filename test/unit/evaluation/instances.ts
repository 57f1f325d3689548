import { demoBenchmark } from '../../../src/benchmarks/demo/demo.js';
import { sweBench } from '../../../src/benchmarks/swe-bench/swe-bench.js';
import type { SweBenchInstance } from '../../../src/dataset/schema.js';
import type { GradingPlan } from '../../../src/evaluation/grading-plan.js';

/** The grading plan a row gets from its benchmark: demo rows from the demo's, the rest from SWE-bench's. */
export function planFor(row: SweBenchInstance): GradingPlan {
  return (row.repo.startsWith('sera-eval/') ? demoBenchmark : sweBench).gradingPlan(row);
}


export const MODIFY_AND_ADD_TEST_PATCH = [
  'diff --git a/tests/forms_tests/tests/test_formsets.py b/tests/forms_tests/tests/test_formsets.py',
  'index 1111111..2222222 100644',
  '--- a/tests/forms_tests/tests/test_formsets.py',
  '+++ b/tests/forms_tests/tests/test_formsets.py',
  '@@ -1 +1,2 @@',
  ' import x',
  '+--- not a header, a removed-looking line inside a hunk',
  'diff --git a/tests/forms_tests/new_test.py b/tests/forms_tests/new_test.py',
  'new file mode 100644',
  'index 0000000..3333333',
  '--- /dev/null',
  '+++ b/tests/forms_tests/new_test.py',
  '@@ -0,0 +1 @@',
  '+def test(): pass',
  'diff --git a/tests/forms_tests/data.json b/tests/forms_tests/data.json',
  'new file mode 100644',
  'Binary files /dev/null and b/tests/forms_tests/data.json differ',
  '',
].join('\n');

export function instance(overrides: Partial<SweBenchInstance> = {}): SweBenchInstance {
  return {
    instance_id: 'django__django-1',
    repo: 'django/django',
    base_commit: 'base123',
    patch: '',
    test_patch: MODIFY_AND_ADD_TEST_PATCH,
    problem_statement: '',
    hints_text: '',
    created_at: '',
    version: '3.0',
    FAIL_TO_PASS: ['test_new (forms_tests.tests.test_formsets.T)'],
    PASS_TO_PASS: ['test_old (forms_tests.tests.test_formsets.T)'],
    environment_setup_commit: '',
    ...overrides,
  };
}

/** A log as eval.sh produces it under `set -x`, with the given test output and exit code. */
export function evalLog(testOutput: string, exitCode = 0): string {
  return [
    '+ git apply -v -',
    "+ : '>>>>> Start Test Output'",
    '+ ./tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 forms_tests.tests.test_formsets',
    testOutput,
    `+ SWEBENCH_TEST_EXIT_CODE=${exitCode}`,
    "+ : '>>>>> End Test Output'",
    `+ echo '>>>>> Test Exit Code: ${exitCode}'`,
    `>>>>> Test Exit Code: ${exitCode}`,
    '+ git checkout base123 tests/forms_tests/tests/test_formsets.py',
  ].join('\n');
}
