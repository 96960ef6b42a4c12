// Seeded randomness so fault runs are repeatable: the same seed and request order give the
// same errors and latencies, which keeps rate-based tests exact instead of flaky.

export type Random = () => number;

/** mulberry32: tiny, fast, good enough for picking faults (not for anything secret). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box-Muller; one sample per call keeps the sequence easy to reason about. */
export function normalSample(random: Random, mean: number, stddev: number): number {
  const u = Math.max(random(), Number.EPSILON);
  const v = random();
  return mean + stddev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** FNV-1a: turns a prompt into a seed so the same prompt always gets the same answer. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
