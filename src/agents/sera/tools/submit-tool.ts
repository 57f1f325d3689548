/**
 * `submit` from SWE-agent's `tools/review_on_submit_m/bin/submit` with SERA's single review stage: the
 * first call prints the review message with the current diff, the next prints the submission markers,
 * upon which the agent reads the patch and the run ends (`handle_submission` in agents.py). Both read
 * `/root/model.patch` as Python text (model-patch-file.ts).
 */
import type { Environment } from '../../../environment/environment.js';
import { renderSubmitReview } from '../sera-templates.js';
import type { ModelPatchFile } from './model-patch-file.js';

export const REVIEW_STAGES = 1;

export type SubmitResult =
  | { kind: 'review'; observation: string }
  /** The observation the agent records is the patch itself (handle_submission replaces the marker output). */
  | { kind: 'submitted'; observation: string; patch: string };

/**
 * @param problemStatement substituted for `{{problem_statement}}` after the diff is, as the script does
 *   (so the text only changes when the diff itself contains that placeholder).
 */
export async function runSubmit(env: Environment, patchFile: ModelPatchFile, stagesDone: number, problemStatement: string): Promise<SubmitResult> {
  const patch = await patchFile.refresh(env);
  if (stagesDone < REVIEW_STAGES) {
    const message = renderSubmitReview(patch).split('{{problem_statement}}').join(problemStatement);
    return { kind: 'review', observation: `${message}\n` };
  }
  // handle_submission: a whitespace-only patch is no submission (None), but still the observation.
  return { kind: 'submitted', observation: patch, patch: patch.trim() === '' ? '' : patch };
}
