/** Test-side line splitting, independent of the editor's: each line keeps its line break. */
export function lines(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** The lines two texts do not share at their start and end: what an edit touched. */
export function changedBlock(before: string, after: string): { old: string[]; now: string[]; at: number } {
  const a = lines(before);
  const b = lines(after);
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { old: a.slice(p, a.length - s), now: b.slice(p, b.length - s), at: p };
}

/** True when `small` is `big` with some lines left out, in order. */
export function isSubsequence(small: string[], big: string[]): boolean {
  let i = 0;
  for (const line of big) if (i < small.length && small[i] === line) i++;
  return i === small.length;
}
