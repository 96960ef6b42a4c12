import type { Verdict } from '../types.js';

/** `{"verdict": "pass", "reason": "..."}`, as command and webhook sources answer. */
export interface VerdictAnswer {
  verdict: Verdict;
  reason?: string;
}

const VERDICTS = new Set<string>(['pass', 'fail', 'inconclusive']);

/** The verdict in a JSON text, or undefined when there is none (not JSON, or no valid verdict). */
export function parseVerdict(text: string): VerdictAnswer | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const d = data as { verdict?: unknown; reason?: unknown };
  if (typeof d !== 'object' || d === null || typeof d.verdict !== 'string' || !VERDICTS.has(d.verdict)) return undefined;
  return { verdict: d.verdict as Verdict, reason: typeof d.reason === 'string' ? oneLine(d.reason) : undefined };
}

/** Reasons go into one-line decisions: collapse whitespace and cap the length. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
