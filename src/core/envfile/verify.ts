import { type Assignment, type EnvDocument, assignments, findAssignment } from './document.js';

/**
 * The editor's proof that an edit did what it says: the candidate text is parsed back and must
 * give dotenv's expected values, with every other assignment's text untouched.
 */
export function sameValues(actual: Record<string, string>, expected: Record<string, string>): boolean {
  const keys = Object.keys(expected);
  return Object.keys(actual).length === keys.length && keys.every((k) => Object.hasOwn(actual, k) && actual[k] === expected[k]);
}

/** Every assignment other than `key`'s is still there, in order, with the same text. */
export function othersKept(before: EnvDocument, after: EnvDocument, key: string, edit: 'replace' | 'append' | 'remove'): boolean {
  const old = assignments(before);
  const now = assignments(after);
  // Appending may give the old last line the line break it lacked; nothing else may differ.
  const same = (a: Assignment, b: Assignment, i: number) => a.raw === b.raw || (edit === 'append' && i === old.length - 1 && a.raw + before.eol === b.raw);
  if (edit === 'remove') {
    const kept = old.filter((a) => a.key !== key);
    return kept.length === now.length && kept.every((a, i) => a.raw === now[i]!.raw);
  }
  const target = edit === 'replace' ? old.lastIndexOf(findAssignment(before, key)!) : old.length;
  if (now.length !== (edit === 'replace' ? old.length : old.length + 1) || now[target]?.key !== key) return false;
  return old.every((a, i) => i === target || same(a, now[i]!, i));
}
