import type { SweBenchInstance } from '../../dataset/schema.js';
import type { TestSpec } from './specs/test-spec.js';
import { testDirectives } from './test-directives.js';
import { testPatchFiles } from './test-patch-files.js';
import { beforeTestsRepair } from './specs/instance-repairs.js';
import { END_TEST_OUTPUT, REPO_DIRECTORY, START_TEST_OUTPUT, TEST_EXIT_CODE_PREFIX } from '../../evaluation/eval-markers.js';

const HEREDOC_DELIMITER = 'EOF_114329324912';
/** TEST_EXIT_CODE_VAR of SWE-bench 5.x (harness/constants/__init__.py:55 at v5.0.2). */
export const EXIT_CODE_VARIABLE = 'SWEBENCH_TEST_EXIT_CODE';

/** The command that runs the instance's tests: the spec's test_cmd followed by its directives. */
export function testCommand(instance: Pick<SweBenchInstance, 'test_patch'>, spec: TestSpec): string {
  return [spec.testCmd, ...testDirectives(instance.test_patch, spec)].join(' ');
}

/**
 * eval.sh in the order of SWE-bench's make_eval_script_list_py, with later fixes: the exit code
 * line (v5), `rm -f` for files the test patch only adds instead of a path-less `git checkout
 * <base>` that would move HEAD off the image's setup commit (#518, fixed by #539), and the
 * per-instance lines 5.x runs before the tests (specs/instance-repairs.ts).
 * No `set -e`: the final test-file reset must run even when the tests fail.
 */
export function makeEvalScript(
  instance: Pick<SweBenchInstance, 'instance_id' | 'base_commit' | 'test_patch'>,
  spec: TestSpec,
): string {
  const { modified, added } = testPatchFiles(instance.test_patch);
  const resetTestFiles: string[] = [];
  if (modified.length > 0) resetTestFiles.push(`git checkout ${instance.base_commit} ${modified.join(' ')}`);
  if (added.length > 0) resetTestFiles.push(`rm -f ${added.join(' ')}`);
  const lines = [
    '#!/bin/bash',
    'set -uxo pipefail',
    ...spec.activate,
    `cd ${REPO_DIRECTORY}`,
    ...(spec.evalCommands ?? []),
    `git config --global --add safe.directory ${REPO_DIRECTORY}`,
    `cd ${REPO_DIRECTORY}`,
    'git status',
    'git show',
    `git -c core.fileMode=false diff ${instance.base_commit}`,
    ...spec.activate,
    ...(spec.install === undefined ? [] : [spec.install]),
    ...resetTestFiles,
    `git apply -v - <<'${HEREDOC_DELIMITER}'\n${instance.test_patch}\n${HEREDOC_DELIMITER}`,
    ...beforeTestsRepair(instance.instance_id),
    `: '${START_TEST_OUTPUT}'`,
    testCommand(instance, spec),
    `${EXIT_CODE_VARIABLE}=$?`,
    `: '${END_TEST_OUTPUT}'`,
    `echo "${TEST_EXIT_CODE_PREFIX}$${EXIT_CODE_VARIABLE}"`,
    ...resetTestFiles,
  ];
  return `${lines.join('\n')}\n`;
}
