// Local text similarity for the `similar` assertion: cosine over character trigrams of the
// normalised text. No model, no network; works the same for English and Chinese.

export function similarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  if (x.size === 0 && y.size === 0) return 1;
  let dot = 0;
  for (const [gram, n] of x) dot += n * (y.get(gram) ?? 0);
  const norm = (v: Map<string, number>) => Math.sqrt([...v.values()].reduce((s, n) => s + n * n, 0));
  const denominator = norm(x) * norm(y);
  return denominator === 0 ? 0 : dot / denominator;
}

function trigrams(text: string): Map<string, number> {
  const chars = [
    ...` ${text
      .toLowerCase()
      .replace(/[\s\p{P}]+/gu, ' ')
      .trim()} `,
  ];
  const counts = new Map<string, number>();
  for (let i = 0; i + 3 <= chars.length; i++) {
    const gram = chars.slice(i, i + 3).join('');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}
