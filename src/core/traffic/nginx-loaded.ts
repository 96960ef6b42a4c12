import { varPrefix } from './nginx-render.js';

// What nginx itself reads, from `nginx -T` (it parses the configuration and prints every file it
// loaded). Inside a container that is the container's view of the include: a file replaced by
// rename on the host is not seen through a single-file bind mount, and this is where that shows.

/**
 * The target weights of the environment's split_clients blocks in an `nginx -T` dump (one per
 * block found; none when nginx does not load the include at all).
 */
export function loadedWeights(dump: string, environment: string): number[] {
  const text = dump
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n');
  const block = new RegExp(`split_clients\\s+("[^"]*"|\\S+)\\s+\\$${varPrefix(environment)}_provider\\s*\\{([^}]*)\\}`, 'g');
  return [...text.matchAll(block)].map((m) => targetShare(m[2]!));
}

/** `20% target; * legacy;` → 20; `* target;` → 100; `* legacy;` → 0. */
function targetShare(body: string): number {
  const entries = body
    .split(';')
    .map((e) => e.trim().split(/\s+/))
    .filter((e) => e.length === 2) as Array<[string, string]>;
  const explicit = entries.filter(([share]) => share !== '*').reduce((sum, [share]) => sum + parseFloat(share), 0);
  const share = entries.filter(([, to]) => to === 'target').reduce((sum, [s]) => sum + (s === '*' ? 100 - explicit : parseFloat(s)), 0);
  return Math.round(share * 100) / 100;
}

/** "20%", "not loaded", or "20% and 0% (2 blocks)" for the error message. */
export function describeLoaded(weights: number[]): string {
  if (weights.length === 0) return 'no split for this environment (nginx does not load the include)';
  const distinct = [...new Set(weights)];
  return distinct.length === 1 ? `${distinct[0]}% to target` : `${distinct.map((w) => `${w}%`).join(' and ')} to target in ${weights.length} blocks`;
}
