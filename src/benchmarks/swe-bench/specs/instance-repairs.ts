/**
 * Per-instance repairs that SWE-bench 5.x ships in its Verified dataset (the eval_script and
 * FAIL_TO_PASS/PASS_TO_PASS columns of data/SWE-bench_Verified/test.parquet at commits dbd9dd5
 * "instance fixes" and 52b72b3 "django-10097 label fix", both in the v5.0.2 release 490635b),
 * applied when sera-eval builds eval.sh and grades from rows without those columns (the Hugging
 * Face Verified rows): grading follows the newest official harness where it repaired instances.
 */

/** Lines 5.x runs between applying the test patch and the start-of-output marker. */
const BEFORE_TESTS: Readonly<Record<string, readonly string[]>> = {
  'astropy__astropy-8707': ["python -m pip install -q 'pytest<7.2'"],
  // The image's setuptools distutils warns on LooseVersion and astropy 3.1 makes warnings errors (d18a81d).
  'astropy__astropy-8872': ['export SETUPTOOLS_USE_DISTUTILS=stdlib'],
};

/** PASS_TO_PASS labels the 5.x dataset no longer has. */
const REMOVED_PASS_TO_PASS: Readonly<Record<string, readonly string[]>> = {
  // pytest names the empty parametrize case test_compose_roundtrip[unit0] (50b9f47, #505).
  'astropy__astropy-7606': ['astropy/units/tests/test_units.py::test_compose_roundtrip[]'],
  'django__django-10097': [
    'test_add (generic_inline_admin.tests.GenericInlineAdminWithUniqueTogetherTest)',
    'test_delete (generic_inline_admin.tests.GenericInlineAdminWithUniqueTogetherTest)',
    'test_no_param (generic_inline_admin.tests.GenericInlineAdminParametersTest)',
    'test_basic_add_GET (generic_inline_admin.tests.GenericAdminViewTest)',
    'test_basic_edit_GET (generic_inline_admin.tests.GenericAdminViewTest)',
  ],
};

export function beforeTestsRepair(instanceId: string): readonly string[] {
  return BEFORE_TESTS[instanceId] ?? [];
}

/** The FAIL_TO_PASS / PASS_TO_PASS lists with 5.x's corrections (a row that already has them is unchanged). */
export function repairedTestLists(instance: { instance_id: string; FAIL_TO_PASS: string[]; PASS_TO_PASS: string[] }): {
  FAIL_TO_PASS: string[];
  PASS_TO_PASS: string[];
} {
  const removed = REMOVED_PASS_TO_PASS[instance.instance_id] ?? [];
  return { FAIL_TO_PASS: instance.FAIL_TO_PASS, PASS_TO_PASS: instance.PASS_TO_PASS.filter((name) => !removed.includes(name)) };
}
