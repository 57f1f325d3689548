/**
 * The embedded demo (datasets/demo): small Python repositories with real bugs, built into local
 * images (or copied for `--sandbox local`), tested with plain pytest on the image's own python.
 */
import { DEMO_DATASET_PATH } from './demo-repo.js';
import { SweBenchInstanceSchema, type SweBenchInstance } from '../../dataset/schema.js';
import { imageNameFor } from '../swe-bench/image-names.js';
import { gradingPlanFromSpec } from '../swe-bench/spec-plan.js';
import type { TestSpec } from '../swe-bench/specs/test-spec.js';
import { UnsupportedInstanceError, defineBenchmark, sweBenchTask } from '../benchmark.js';

const DEMO_REPO_OWNER = 'sera-eval';

/** Plain pytest on the image's own python: nothing to activate or install. */
export function demoTestSpec(row: Pick<SweBenchInstance, 'repo' | 'version'>): TestSpec {
  return { repo: row.repo, version: row.version, testCmd: 'pytest -rA', parser: 'parse_log_pytest', activate: [], djangoDirectives: false };
}

export { materializeDemoWorkspaces } from './demo-images.js';

export const demoBenchmark = defineBenchmark({
  name: 'demo',
  description: "the embedded demo benchmark: this project's small repositories under datasets/demo",
  rowSchema: SweBenchInstanceSchema,
  datasetAliases: { demo: DEMO_DATASET_PATH },
  defaultDataset: 'demo',
  // the images buildDemoImages makes, named as the official harness names local builds
  imageFor: (row) => imageNameFor(row, 'local'),
  task: sweBenchTask,
  gradingPlan: (row) => {
    if (!row.repo.startsWith(`${DEMO_REPO_OWNER}/`)) throw new UnsupportedInstanceError(row.instance_id, `repo ${row.repo} is not a demo repository (${DEMO_REPO_OWNER}/<name>)`);
    return gradingPlanFromSpec(row, demoTestSpec(row));
  },
});
