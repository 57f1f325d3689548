import { EnvironmentUnavailableError, outOfMemoryMessage, type Environment, type ExecResult } from '../environment/environment.js';
import { InterruptedError } from '../errors.js';
import { APPLY_COMMANDS, PATCH_PATH, applyAttemptScript } from './apply-chain.js';
import { REPO_DIRECTORY } from './eval-markers.js';
import { gradeLog, readTestExitCode, type LogGrade } from './grade-log.js';
import type { GradingPlan } from './grading-plan.js';
import type { GradingVerdict } from './grading-verdict.js';

export const EVAL_SCRIPT_PATH = '/eval.sh';
const APPLY_TIMEOUT_S = 300;
const APPLY_OUTPUT_IN_MESSAGE = 4000;

/** Everything the caller writes to disk for one graded patch. */
export interface GradingRun {
  verdict: GradingVerdict;
  /** eval.sh as run; null when grading stopped before it was made. */
  evalScript: string | null;
  /** The row's own eval_script (SWE-bench 5.x), which was run: same as sera-eval's or not; null when none. */
  shippedEvalScript: GradingPlan['shippedEvalScript'];
  /** eval.sh output (plus the timeout note); null when it did not run. */
  testOutput: string | null;
  /** Output of the winning apply attempt, or of the last one when all failed. */
  applyOutput: string | null;
  /** The apply command that succeeded; null when none did (or none ran). */
  applyCommand: string | null;
  testExitCode: number | null;
  timedOut: boolean;
  /** Wall time of eval.sh in seconds. */
  tests_s: number | null;
  /** The parsed log, when eval.sh ran to completion. */
  grade: LogGrade | null;
}

export interface GradeInEnvironmentArgs {
  /** A fresh environment from the instance image; the caller closes it. */
  env: Environment;
  /** The instance's grading plan, made once by its benchmark. */
  plan: GradingPlan;
  /** The prediction's patch; `""` (or null) is an empty patch and nothing runs. */
  patch: string | null;
  timeoutS: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
}

/**
 * Applies the patch and runs the hidden tests, like SWE-bench's run_instance.
 * @throws EnvironmentUnavailableError when the environment dies (infrastructure, not a verdict).
 * @throws InterruptedError when `signal` aborts.
 */
export async function gradeInEnvironment(args: GradeInEnvironmentArgs): Promise<GradingRun> {
  const { env, signal } = args;
  const run: GradingRun = {
    verdict: { kind: 'empty_patch' },
    evalScript: null,
    shippedEvalScript: null,
    testOutput: null,
    applyOutput: null,
    applyCommand: null,
    testExitCode: null,
    timedOut: false,
    tests_s: null,
    grade: null,
  };
  if (args.patch === null || args.patch === '') return run;

  const { plan } = args;
  const { evalScript } = plan;
  run.evalScript = evalScript;
  run.shippedEvalScript = plan.shippedEvalScript;

  checkAborted(signal);
  await env.writeFile(PATCH_PATH, args.patch);
  for (const [index, command] of APPLY_COMMANDS.entries()) {
    checkAborted(signal);
    const result = await env.exec(['bash', '-c', applyAttemptScript(index)], {
      cwd: REPO_DIRECTORY,
      timeoutS: APPLY_TIMEOUT_S,
      maxOutputBytes: args.maxOutputBytes,
      signal,
    });
    run.applyOutput = result.output;
    if (result.exitCode === 0 && !result.timedOut) {
      run.applyCommand = command;
      break;
    }
  }
  if (run.applyCommand === null) {
    // The official harness logs the last attempt's output; keep it with the error so reports show why.
    const message =
      `patch did not apply with any of: ${APPLY_COMMANDS.join(' | ')}` +
      (run.applyOutput ? `\n>>>>> Patch Apply Failed:\n${run.applyOutput.slice(-APPLY_OUTPUT_IN_MESSAGE)}` : '');
    return { ...run, verdict: { kind: 'error', stage: 'patch_apply', code: 'patch_apply_failed', message } };
  }

  checkAborted(signal);
  await env.writeFile(EVAL_SCRIPT_PATH, evalScript);
  const started = performance.now();
  let result: ExecResult;
  try {
    result = await env.exec(['/bin/bash', EVAL_SCRIPT_PATH], {
      cwd: REPO_DIRECTORY,
      timeoutS: args.timeoutS,
      maxOutputBytes: args.maxOutputBytes,
      signal,
      detectOutOfMemory: true,
    });
  } catch (err) {
    // The whole container was killed for memory: the tests' own doing, as with a kill of one runner.
    if (!(err instanceof EnvironmentUnavailableError) || err.code !== 'oom') throw err;
    return { ...run, verdict: { kind: 'error', stage: 'tests', code: 'out_of_memory', message: err.message } };
  }
  checkAborted(signal);
  run.tests_s = (performance.now() - started) / 1000;
  run.timedOut = result.timedOut;
  run.testOutput = result.output;
  if (result.outOfMemory) {
    // Checked before the log: the killed runner's log is not a verdict (the official harness sets no
    // memory limit, so its run of the same tests would not have been cut short).
    const exit = readTestExitCode(result.output);
    const message = `${outOfMemoryMessage(result.outOfMemory.limitBytes)}: the kernel killed a test process${exit === null ? '' : ` (the test command exited ${exit})`}`;
    return { ...run, testExitCode: exit, verdict: { kind: 'error', stage: 'tests', code: 'out_of_memory', message } };
  }
  if (result.timedOut) {
    run.testOutput = `${result.output}\n\nTimeout error: ${args.timeoutS} seconds exceeded.`;
    const message = `eval.sh did not finish within ${args.timeoutS} s`;
    return { ...run, verdict: { kind: 'error', stage: 'tests', code: 'tests_timeout', message } };
  }

  const grade = gradeLog(result.output, args.plan);
  run.grade = grade;
  run.testExitCode = grade.testExitCode;
  if (!grade.logUsable || grade.resolution === null) {
    const message = grade.problem ?? 'log unusable';
    return { ...run, verdict: { kind: 'error', stage: 'log', code: 'log_unusable', message } };
  }
  const verdict: GradingVerdict =
    grade.resolution === 'RESOLVED_FULL'
      ? { kind: 'resolved', resolution: 'RESOLVED_FULL' }
      : { kind: 'unresolved', resolution: grade.resolution };
  return { ...run, verdict };
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError('grading interrupted');
}
