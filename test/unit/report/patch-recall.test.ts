import { describe, expect, it } from 'vitest';
import { changedLines, patchRecall } from '../../../src/report/patch-recall.js';

const diff = (hunk: string, header = '@@ -1,4 +1,4 @@'): string =>
  `diff --git a/m.py b/m.py\nindex 1111111..2222222 100644\n--- a/m.py\n+++ b/m.py\n${header}\n${hunk}`;

const GOLD = diff(' def f(x):\n-    return x\n+    return x + 1\n \n', '@@ -1,3 +1,3 @@');

describe('changedLines', () => {
  it('keeps signed changed lines with indentation and skips headers and blank changes', () => {
    const patch = diff(' a\n-    old\n+    new\n+\n+   \n b\n', '@@ -1,3 +1,5 @@');
    expect(changedLines(patch)).toEqual(['-    old', '+    new']);
  });

  it('does not take a removed line starting with "--" for a header', () => {
    const patch = diff('--- this line was removed\n+++ this one added\n', '@@ -1 +1 @@');
    expect(changedLines(patch)).toEqual(['--- this line was removed', '+++ this one added']);
  });
});

describe('patchRecall', () => {
  it('is 1 for the gold patch itself, even with other context and headers', () => {
    const same = diff('-    return x\n+    return x + 1\n', '@@ -2 +2 @@');
    expect(patchRecall(GOLD, same)).toBe(1);
  });

  it('is 0 for a prediction that adds nothing (empty or null)', () => {
    expect(patchRecall(GOLD, '')).toBe(0);
    expect(patchRecall(GOLD, null)).toBe(0);
  });

  it('counts a pure move as two lines: removed at one place, added at another', () => {
    const move = diff('-    helper()\n a\n b\n+    helper()\n', '@@ -1,3 +1,3 @@');
    expect(changedLines(move)).toEqual(['-    helper()', '+    helper()']);
    expect(patchRecall(move, move)).toBe(1);
    const onlyAdd = diff(' a\n b\n+    helper()\n', '@@ -1,2 +1,3 @@');
    expect(patchRecall(move, onlyAdd)).toBe(0.5);
  });

  it('needs the same sign and indentation', () => {
    const reindented = diff('-  return x\n+  return x + 1\n', '@@ -2 +2 @@');
    expect(patchRecall(GOLD, reindented)).toBe(0);
    const flipped = diff('+    return x\n-    return x + 1\n', '@@ -2 +2 @@');
    expect(patchRecall(GOLD, flipped)).toBe(0);
  });

  it('treats lines as a multiset', () => {
    const gold = diff('+    pass\n+    pass\n+    x = 1\n+    y = 2\n', '@@ -0,0 +1,4 @@');
    const once = diff('+    pass\n+    pass\n+    pass\n', '@@ -0,0 +1,3 @@');
    expect(patchRecall(gold, once)).toBe(0.5);
  });

  it('is undefined when gold changes no line', () => {
    expect(patchRecall('', GOLD)).toBeUndefined();
    expect(patchRecall(diff('+\n', '@@ -0,0 +1 @@'), GOLD)).toBeUndefined();
  });
});
