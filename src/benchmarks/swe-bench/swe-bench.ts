/** SWE-bench (Verified, Lite, full): the official v4.1.0 specs, parsers and eval script. */
import { SweBenchInstanceSchema } from '../../dataset/schema.js';
import { imageNameFor } from './image-names.js';
import { HarnessError } from '../../errors.js';
import { gradingPlan } from './shipped-eval.js';
import { UnsupportedInstanceError, defineBenchmark, sweBenchTask } from '../benchmark.js';

export const sweBench = defineBenchmark({
  name: 'swe-bench',
  description: 'SWE-bench Verified / Lite / full, graded as the official harness v4.1.0 does',
  rowSchema: SweBenchInstanceSchema,
  datasetAliases: { verified: 'princeton-nlp/SWE-bench_Verified', lite: 'princeton-nlp/SWE-bench_Lite' },
  defaultDataset: 'verified',
  imageFor: (row, template) => imageNameFor(row, template),
  task: sweBenchTask,
  gradingPlan: (row) => {
    try {
      return gradingPlan(row);
    } catch (err) {
      if (err instanceof HarnessError && err.code === 'unknown_spec') throw new UnsupportedInstanceError(row.instance_id, err.message);
      throw err;
    }
  },
});
