/** Where the prediction is written in the container; never passed on a command line. */
export const PATCH_PATH = '/tmp/patch.diff';

/**
 * SWE-bench v5's GIT_APPLY_CMDS: the first that exits 0 wins. `--3way` falls back on the blobs
 * recorded in the patch; `patch --fuzz=5` tolerates drifted context; `--forward` stops `patch` from
 * reverse-applying a patch that is already in.
 */
export const APPLY_COMMANDS: readonly string[] = [
  `git apply --verbose ${PATCH_PATH}`,
  `git apply --verbose --3way ${PATCH_PATH}`,
  `git apply --verbose --reject ${PATCH_PATH}`,
  `patch --batch --forward --fuzz=5 -p1 -i ${PATCH_PATH}`,
];

/**
 * Between attempts the tree goes back to the image's HEAD (its setup commit, clean), so a partial
 * `--reject` or a conflicted `--3way` cannot poison the next attempt. `reset --hard` rather than
 * v5's `git checkout -- .`: `--3way` writes the index, and checkout refuses unmerged paths.
 */
export const RESET_TREE = 'git reset --hard --quiet HEAD && git clean -fdq';

/** The bash script for attempt `index` (0-based): later attempts start from a reset tree. */
export function applyAttemptScript(index: number): string {
  const command = APPLY_COMMANDS[index];
  if (command === undefined) throw new RangeError(`no apply attempt ${index}`);
  return index === 0 ? command : `${RESET_TREE} && ${command}`;
}
