/** The per-instance section of the HTML report: verdict per cell, test results, coloured patch, trajectory. */
import type { InstanceReportEntry } from '../run-dir/schemas.js';
import { escapeHtml } from './html-escape.js';
import type { TrajectoryView } from './trajectory-view.js';
import type { CellVerdict } from './verdicts.js';

/** Long observations are cut so a 3,000-rollout report stays openable; the trajectory file has the rest. */
const MAX_OBSERVATION_CHARS = 4000;

export interface InstanceCell {
  verdict: CellVerdict;
  entry: InstanceReportEntry | undefined;
  patch: string | undefined;
  trajectory: TrajectoryView | undefined;
  /** The tail of test_output.txt, for a cell that did not resolve. */
  testOutput: string | undefined;
}

export interface InstanceInfo {
  anchor: string;
  instanceId: string;
  repo: string;
  problemStatement: string | undefined;
  goldPatch: string | undefined;
  /** Where "all instances" leads: the list on the same page, or the index of a report directory. */
  backHref: string;
}

export function verdictBadge(verdict: CellVerdict['verdict'], exitStatus?: string): string {
  const exit = exitStatus === undefined ? '' : ` <span class="exit">${escapeHtml(exitStatus)}</span>`;
  return `<span class="verdict v-${verdict}">${verdict.replace('_', ' ')}</span>${exit}`;
}

export function coloredDiff(patch: string): string {
  const lines = patch.split('\n').map((line) => {
    const kind = /^(diff --git|index |--- |\+\+\+ )/.test(line)
      ? 'meta'
      : line.startsWith('@@')
        ? 'hunk'
        : line.startsWith('+')
          ? 'add'
          : line.startsWith('-')
            ? 'del'
            : 'ctx';
    return `<span class="d-${kind}">${escapeHtml(line)}</span>`;
  });
  return `<pre class="diff">${lines.join('\n')}</pre>`;
}

function testList(name: string, lists: { success: string[]; failure: string[] } | undefined): string {
  if (!lists) return '';
  const items = [
    ...lists.failure.map((t) => `<li class="t-fail">✗ ${escapeHtml(t)}</li>`),
    ...lists.success.map((t) => `<li class="t-pass">✓ ${escapeHtml(t)}</li>`),
  ];
  if (items.length === 0) return `<p class="tests">${name}: none</p>`;
  const heading = `${name}: ${lists.success.length} passed, ${lists.failure.length} failed`;
  return `<details class="tests"${lists.failure.length > 0 ? ' open' : ''}><summary>${heading}</summary><ul>${items.join('')}</ul></details>`;
}

function clip(text: string): string {
  if (text.length <= MAX_OBSERVATION_CHARS) return escapeHtml(text);
  return `${escapeHtml(text.slice(0, MAX_OBSERVATION_CHARS))}\n<em>[… ${text.length - MAX_OBSERVATION_CHARS} more characters in the trajectory file]</em>`;
}

/** In pieces, a step each: joined, one trajectory is hundreds of KB, which V8 gives fresh pages of its own. */
function trajectoryHtml(t: TrajectoryView): string[] {
  const steps = t.steps.map((step) => {
    const calls = step.tool_calls
      .map((c) => `<div class="call"><b>${escapeHtml(c.name)}</b> <code>${escapeHtml(c.arguments)}</code></div>`)
      .join('');
    return (
      `<li class="step step-${step.kind}"><div class="step-head">step ${step.index} · ${step.kind} · ` +
      `${step.usage.prompt_tokens}/${step.usage.completion_tokens} tokens · model ${step.model_latency_s.toFixed(1)} s · tool ${step.tool_latency_s.toFixed(1)} s</div>` +
      `<pre class="thought">${clip(step.thought)}</pre>${calls}<pre class="observation">${clip(step.observation)}</pre></li>`
    );
  });
  const error = t.error ? `<p class="error">${escapeHtml(t.error.code)}: ${escapeHtml(t.error.message)}</p>` : '';
  return [
    `<details class="trajectory"><summary>Trajectory: ${t.steps.length} steps, exit ${escapeHtml(t.exit_status)}` +
      `${t.autosubmitted ? ' (autosubmitted)' : ''}, ${t.stats.prompt_tokens} tokens in / ${t.stats.completion_tokens} out</summary>` +
      `${error}<ol class="steps">`,
    ...steps,
    '</ol></details>',
  ];
}

function cellHtml(cell: InstanceCell): string[] {
  const { verdict, entry } = cell;
  const error = entry?.sera_eval.error
    ? `<p class="error">${escapeHtml(entry.sera_eval.error.stage)} / ${escapeHtml(entry.sera_eval.error.code)}: ${escapeHtml(entry.sera_eval.error.message)}</p>`
    : '';
  const tests = entry?.tests_status
    ? testList('FAIL_TO_PASS', entry.tests_status.FAIL_TO_PASS) + testList('PASS_TO_PASS', entry.tests_status.PASS_TO_PASS)
    : '<p class="tests">no test results</p>';
  const patch = cell.patch ? `<details class="patch" open><summary>Model patch</summary>${coloredDiff(cell.patch)}</details>` : '<p>no patch</p>';
  const output = cell.testOutput
    ? `<details class="test-output" open><summary>Test output (failing run, tail)</summary><pre>${escapeHtml(cell.testOutput)}</pre></details>`
    : '';
  return [
    `<article class="cell"><h3>context ${escapeHtml(verdict.context)} · seed ${escapeHtml(verdict.seed)} ${verdictBadge(verdict.verdict, cell.trajectory?.exit_status)}</h3>` +
      `${error}${tests}${output}${patch}`,
    ...(cell.trajectory ? trajectoryHtml(cell.trajectory) : []),
    '</article>',
  ];
}

/**
 * The problem statement on top, then each cell's result and patch beside the gold patch; in pieces, to
 * be encoded one after another. Joined into one string, the ✓, ✗ and ← around the trajectories would
 * copy MBs of ASCII into a two-byte string, copied again to be written as UTF-8.
 */
export function instanceSection(info: InstanceInfo, cells: readonly InstanceCell[]): string[] {
  const problem = info.problemStatement
    ? `<details class="problem" open><summary>Problem statement</summary><pre>${escapeHtml(info.problemStatement)}</pre></details>`
    : '<p class="problem">problem statement not available (give --dataset with the SWE-bench rows)</p>';
  const gold = info.goldPatch
    ? `<aside class="gold"><h3>Gold patch</h3>${coloredDiff(info.goldPatch)}</aside>`
    : '<aside class="gold"><h3>Gold patch</h3><p>not available</p></aside>';
  return [
    `<section class="instance" id="${info.anchor}" data-instance="${escapeHtml(info.instanceId)}">` +
      `<p><a href="${escapeHtml(info.backHref)}">← all instances</a></p><h2>${escapeHtml(info.instanceId)}</h2><p class="repo">${escapeHtml(info.repo)}</p>` +
      `${problem}<div class="side-by-side"><div class="cells">`,
    ...cells.flatMap(cellHtml),
    `</div>${gold}</div></section>`,
  ];
}
