import { InputError } from '../errors.js';
import { didYouMean } from './close-matches.js';
import { REPO_SHORT_NAMES, expandRepoName } from './repo-names.js';
import type { SweBenchInstance } from './schema.js';

export interface InstanceFilters {
  /** Keep only these instance ids (order of the dataset is kept). */
  instances?: string[];
  /** Short names (django, sklearn, ...) or owner/name. */
  repos?: string[];
  /** Verified `difficulty` values, e.g. "<15 min fix". */
  difficulty?: string[];
  /** Keep the first N after the other filters and the shard. */
  limit?: number;
  /** Keep every count-th row starting at index (0-based), after the id/repo/difficulty filters. */
  shard?: { index: number; count: number };
}

/**
 * Applies the filters in a fixed order: ids, repos, difficulty, shard, limit.
 * @throws InputError for an unknown id, repo or difficulty (with close matches), or a bad shard/limit.
 */
export function filterInstances(rows: SweBenchInstance[], filters: InstanceFilters): SweBenchInstance[] {
  let kept = rows;
  if (filters.instances !== undefined) {
    const known = new Set(rows.map((r) => r.instance_id));
    const unknown = filters.instances.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      const details = unknown.map((id) => `${id}${didYouMean(id, known)}`).join('; ');
      throw new InputError(`--instances: not in the dataset: ${details}`);
    }
    const wanted = new Set(filters.instances);
    kept = kept.filter((r) => wanted.has(r.instance_id));
  }
  if (filters.repos !== undefined) {
    const present = new Set(rows.map((r) => r.repo));
    const wanted = new Set<string>();
    for (const name of filters.repos) {
      const repo = expandRepoName(name);
      if (!present.has(repo)) {
        const names = [...present, ...Object.keys(REPO_SHORT_NAMES).filter((s) => present.has(expandRepoName(s)))];
        throw new InputError(`--repos: no instances of ${name} in the dataset${didYouMean(name, names)}`);
      }
      wanted.add(repo);
    }
    kept = kept.filter((r) => wanted.has(r.repo));
  }
  if (filters.difficulty !== undefined) {
    const present = new Set(rows.flatMap((r) => (r.difficulty === undefined ? [] : [r.difficulty])));
    for (const level of filters.difficulty) {
      if (!present.has(level)) {
        const known = [...present].map((d) => JSON.stringify(d)).join(', ') || 'none (the dataset has no difficulty column)';
        throw new InputError(`--difficulty: unknown value ${JSON.stringify(level)}; the dataset has ${known}`);
      }
    }
    const wanted = new Set(filters.difficulty);
    kept = kept.filter((r) => r.difficulty !== undefined && wanted.has(r.difficulty));
  }
  if (filters.shard !== undefined) {
    const { index, count } = filters.shard;
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
      throw new InputError(`--shard ${index}/${count}: expected 0 <= index < count, both integers`);
    }
    kept = kept.filter((_, i) => i % count === index);
  }
  if (filters.limit !== undefined) {
    if (!Number.isInteger(filters.limit) || filters.limit < 0) {
      throw new InputError(`--limit ${filters.limit}: expected a non-negative integer`);
    }
    kept = kept.slice(0, filters.limit);
  }
  return kept;
}
