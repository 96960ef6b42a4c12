import type { EnvDocument } from './document.js';
import { values } from './parse.js';

/** Which keys an edit adds, removes or changes: names only, so it can be shown without secrets. */
export interface KeyDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

type Side = EnvDocument | Record<string, string>;

export function diffKeys(before: Side, after: Side): KeyDiff {
  const a = asValues(before);
  const b = asValues(after);
  const has = (o: Record<string, string>, k: string) => Object.hasOwn(o, k);
  return {
    added: Object.keys(b)
      .filter((k) => !has(a, k))
      .sort(),
    removed: Object.keys(a)
      .filter((k) => !has(b, k))
      .sort(),
    changed: Object.keys(a)
      .filter((k) => has(b, k) && a[k] !== b[k])
      .sort(),
  };
}

export function isEmptyDiff(diff: KeyDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0;
}

function asValues(side: Side): Record<string, string> {
  return Array.isArray((side as EnvDocument).entries) ? values(side as EnvDocument) : (side as Record<string, string>);
}
