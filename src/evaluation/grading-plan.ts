/** Test name → status, as the parser found it (a status may be any first token, as in Python). */
export type StatusMap = Map<string, string>;
export type LogParser = (log: string) => StatusMap;

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
