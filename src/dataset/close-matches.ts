/** Up to `limit` candidates nearest to `wanted` (edit distance, substring matches first), for "did you mean". */
export function closeMatches(wanted: string, candidates: Iterable<string>, limit = 3): string[] {
  const needle = wanted.toLowerCase();
  const scored = [...new Set(candidates)].map((candidate) => {
    const hay = candidate.toLowerCase();
    const contains = hay.includes(needle) || needle.includes(hay);
    return { candidate, score: contains ? 0 : editDistance(needle, hay) };
  });
  const cutoff = Math.max(3, Math.floor(needle.length / 3));
  return scored
    .filter((s) => s.score <= cutoff)
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((s) => s.candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** " (did you mean: a, b?)" or "" */
export function didYouMean(wanted: string, candidates: Iterable<string>): string {
  const matches = closeMatches(wanted, candidates);
  return matches.length > 0 ? ` (did you mean: ${matches.join(', ')}?)` : '';
}
