import type { SweBenchInstance } from '../../dataset/schema.js';
import { makeEvalScript } from './eval-script.js';
import type { GradingPlan } from '../../evaluation/grading-plan.js';
import { LOG_PARSERS } from './log-parsers/index.js';
import type { TestSpec } from './specs/test-spec.js';

/** The plan of a SWE-bench-shaped row from a test spec. */
export function gradingPlanFromSpec(
  instance: Pick<SweBenchInstance, 'instance_id' | 'base_commit' | 'test_patch' | 'FAIL_TO_PASS' | 'PASS_TO_PASS'>,
  spec: TestSpec,
): GradingPlan {
  return {
    evalScript: makeEvalScript(instance, spec),
    parser: spec.parser,
    parseLog: LOG_PARSERS[spec.parser],
    failToPass: instance.FAIL_TO_PASS,
    passToPass: instance.PASS_TO_PASS,
    shippedEvalScript: null,
  };
}
