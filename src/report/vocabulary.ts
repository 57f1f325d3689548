/**
 * One vocabulary for every output (README "Definitions"): each rate is shown with its name, its
 * numerator/denominator and the infrastructure count beside it, formatted the same way everywhere
 * so report, compare, nightly and the end-of-run line agree to the digit.
 */
import { formatRate, type ContextRate } from './rates.js';

export const DEFINITIONS =
  'official = resolved / instances, infrastructure failures counted as not resolved (the official SWE-bench denominator, comparable with leaderboards); ' +
  'excl. infra = resolved / (instances − infrastructure failures); with several seeds, the mean and sample std over seeds; pending cells (a run in progress) are in neither.';

export const OFFICIAL = 'official %';
export const EXCLUDING_INFRA = 'excl. infra %';

export function officialText(c: ContextRate): string {
  return `${formatRate(c.official)} [${c.resolved}/${c.measured}]`;
}

export function excludingInfraText(c: ContextRate): string {
  return `${formatRate(c.rate)} [${c.resolved}/${c.graded}]`;
}

/** "official 50.00 % [6/12] | excl. infra 54.55 % [6/11] | infra 1", plus pending cells when there are any. */
export function rateSentence(c: ContextRate): string {
  const pending = c.pending > 0 ? ` | pending ${c.pending}` : '';
  return (
    `official ${formatRate(c.official)} % [${c.resolved}/${c.measured}] | excl. infra ${formatRate(c.rate)} % [${c.resolved}/${c.graded}]` +
    ` | infra ${c.infrastructure}${pending}`
  );
}
