/**
 * Line-level recall of a predicted patch against the gold patch (sera-agent.md §6, SERA's
 * `compare_patch_recall`): r = |P_pred ∩ P_gold| / |P_gold| over changed lines, as a multiset.
 * A line keeps its sign and indentation, so removing a line and adding it elsewhere are two
 * distinct lines; the paper reports this recall correlates with resolve rate (r = 0.898).
 */

const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

/**
 * The `+`/`-` lines of a unified diff, sign included. Hunk lengths from the `@@` header decide
 * where a hunk ends, so a removed line that itself starts with `--` is not taken for a header.
 */
export function changedLines(patch: string): string[] {
  const lines = patch.split('\n');
  const changed: string[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (oldLeft <= 0 && newLeft <= 0) {
      const header = HUNK_HEADER.exec(line);
      if (header) {
        oldLeft = header[1] === undefined ? 1 : Number(header[1]);
        newLeft = header[2] === undefined ? 1 : Number(header[2]);
      }
      continue;
    }
    const sign = line[0];
    if (sign === '\\') continue; // "\ No newline at end of file"
    if (sign === '-') oldLeft--;
    else if (sign === '+') newLeft--;
    else {
      oldLeft--;
      newLeft--;
      continue;
    }
    if (line.slice(1).trim() === '') continue;
    changed.push(line);
  }
  return changed;
}

function countLines(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

/** Share (0–1) of the gold patch's changed lines that the prediction also changes; undefined when gold changes nothing. */
export function patchRecall(goldPatch: string, predictedPatch: string | null | undefined): number | undefined {
  const gold = changedLines(goldPatch);
  if (gold.length === 0) return undefined;
  const predicted = countLines(changedLines(predictedPatch ?? ''));
  let shared = 0;
  for (const [line, count] of countLines(gold)) shared += Math.min(count, predicted.get(line) ?? 0);
  return shared / gold.length;
}
