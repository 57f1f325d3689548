import type { SweBenchInstance } from '../dataset/schema.js';
import { makeEvalScript } from './eval-script.js';
import { LOG_PARSERS, type LogParser } from './log-parsers/index.js';
import type { TestSpec } from './specs/test-spec.js';

/**
 * How one instance is graded, computed once per instance before its first rollout by its
 * benchmark: the script that applies the hidden tests and runs them, and the parser for its log.
 */
export interface GradingPlan {
  /** eval.sh as it runs in the container (test-file reset, test patch, markers, test command). */
  evalScript: string;
  /** The parser's name, for records, messages and the grading input hash. */
  parser: string;
  parseLog: LogParser;
  /** The tests the patch must make pass, and those that must keep passing: what decides the verdict. */
  failToPass: string[];
  passToPass: string[];
  /** For a row with its own eval_script (SWE-bench 5.x): whether it equals the one sera-eval would build; null when none shipped. */
  shippedEvalScript: 'same' | 'differs' | null;
}

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
