import { type Assignment, type EnvDocument, assignments, findAssignment, where } from './document.js';
import { isValidKey } from './dotenv-grammar.js';
import { EnvFileError } from './errors.js';
import { endsWithLineBreak, trailingLineBreak } from './lines.js';
import { parse, print, values } from './parse.js';
import { encode, quotingOrder } from './quote.js';
import { othersKept, sameValues } from './verify.js';

/**
 * Set `key` to `value`: rewrite only the line(s) of the assignment dotenv uses (the last one),
 * keeping its `export`, quoting and inline comment, or append one line. Each candidate text is
 * parsed back and accepted only if dotenv then reads `value` for `key` and every other assignment
 * exactly as before.
 *
 * What dotenv can carry: single quotes hold anything but `'` and a carriage return, backticks
 * anything but `` ` `` and a carriage return, double quotes anything but `"` and the two-character
 * texts `\n` and `\r` (which they expand). A value that fits none of them may still be written
 * unquoted; one holding `'`, `"` and `` ` `` together with a `#` (say) cannot be, and is refused.
 */
export function setKey(doc: EnvDocument, key: string, value: string): EnvDocument {
  assertKey(doc, key);
  const target = findAssignment(doc, key);
  const expected = { ...values(doc), [key]: value };
  const candidates = target ? rewrites(doc, target, value) : appends(doc, key, value);
  for (const text of candidates) {
    const next = parse(text, { source: doc.source });
    if (sameValues(values(next), expected) && othersKept(doc, next, key, target ? 'replace' : 'append')) return next;
  }
  throw new EnvFileError(`${target ? where(doc, target.line) : (doc.source ?? 'env file')}: cannot write ${key}: dotenv would not read the value back unchanged`, {
    hint: 'dotenv has no escape for a value mixing all of \' " ` with a #, a line break or outer blanks; set it another way',
  });
}

export function setKeys(doc: EnvDocument, updates: Record<string, string>): EnvDocument {
  return Object.entries(updates).reduce((d, [key, value]) => setKey(d, key, value), doc);
}

/** Remove every assignment of `key` (duplicates included); all other lines stay byte for byte. */
export function removeKey(doc: EnvDocument, key: string): EnvDocument {
  const first = assignments(doc).find((a) => a.key === key);
  if (!first) return doc;
  const text = doc.entries
    .filter((e) => e.kind !== 'assignment' || e.key !== key)
    .map((e) => e.raw)
    .join('');
  const next = parse(text, { source: doc.source });
  const expected = values(doc);
  delete expected[key];
  if (sameValues(values(next), expected) && othersKept(doc, next, key, 'remove')) return next;
  throw new EnvFileError(`${where(doc, first.line)}: removing ${key} would change how the lines around it are read`, {
    hint: 'a quote on a nearby line is not closed; fix or edit the file by hand',
  });
}

function assertKey(doc: EnvDocument, key: string): void {
  if (isValidKey(key)) return;
  throw new EnvFileError(`${doc.source ?? 'env file'}: invalid key ${JSON.stringify(key)}`, {
    hint: 'env keys use letters, digits, _ . and -',
  });
}

/** The target's text, re-quoted each way worth trying; the last ones drop an unusual layout. */
function* rewrites(doc: EnvDocument, target: Assignment, value: string): Generator<string> {
  const index = doc.entries.indexOf(target);
  const before = doc.entries
    .slice(0, index)
    .map((e) => e.raw)
    .join('');
  const after = doc.entries
    .slice(index + 1)
    .map((e) => e.raw)
    .join('');
  const { lead, trail } = blanksAround(target.valueRaw);
  // `KEY=value#note` is a comment to dotenv but part of the value to docker compose.
  const gap = trail === '' && target.tail.startsWith('#') ? ' ' : trail;
  const opts = { eol: doc.eol, multiline: /[\r\n\u2028\u2029]/.test(target.valueRaw) };
  const styles = quotingOrder(value, target.quote);
  for (const style of styles) {
    yield before + target.prefix + target.key + target.separator + lead + encode(value, style, opts) + gap + target.tail + after;
  }
  for (const style of styles) {
    yield before + target.prefix + target.key + '=' + encode(value, style, opts) + trailingLineBreak(target.raw) + after;
  }
}

function* appends(doc: EnvDocument, key: string, value: string): Generator<string> {
  let text = print(doc);
  if (text !== '' && !endsWithLineBreak(text)) text += doc.eol;
  const all = assignments(doc);
  const exported = all.length > 0 && all.every((a) => /^\s*export\s/.test(a.prefix));
  for (const style of quotingOrder(value)) {
    yield `${text}${exported ? 'export ' : ''}${key}=${encode(value, style, { eol: doc.eol, multiline: false })}${doc.eol}`;
  }
}

/** Blanks inside the value group but outside the quotes; an all-blank group counts as trailing. */
function blanksAround(valueRaw: string): { lead: string; trail: string } {
  const m = /^(\s*?)(\S[\s\S]*?)?(\s*)$/.exec(valueRaw)!;
  return m[2] === undefined ? { lead: '', trail: valueRaw } : { lead: m[1]!, trail: m[3]! };
}
