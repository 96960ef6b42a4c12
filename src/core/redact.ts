// Secrets (API keys, tokens) must never reach output, logs, state or audit files. Everything
// that prints config-derived text passes it through a Redactor built from the loaded config.

import { bearerKey } from './http/auth.js';

const ELLIPSIS = '…';
/** Shorter values are masked entirely: four characters of a short key give too much away. */
const MIN_VISIBLE_LENGTH = 12;
/** Shorter "secrets" are not searched for in text: they would mangle ordinary words. */
const MIN_SEARCH_LENGTH = 4;

/** `sk-…9f2c`: a short alphabetic prefix such as `sk-` and at most the last 4 characters. */
export function redactSecret(raw: string): string {
  // A key pasted with quotes or spaces around it is shown as the key it is: `sk-…9f2c`, not `…9f2c"`.
  const value = bearerKey(raw);
  // "Bearer sk-…": the scheme is not secret and tells the reader what the value is.
  const scheme = /^(Bearer|Basic|Token) +(\S.*)$/i.exec(value);
  if (scheme) return `${scheme[1]} ${redactSecret(scheme[2]!)}`;
  if (value.length < MIN_VISIBLE_LENGTH) return ELLIPSIS;
  const prefix = /^[A-Za-z]{2,4}-/.exec(value)?.[0] ?? '';
  return `${prefix}${ELLIPSIS}${value.slice(-4)}`;
}

/** Replace every occurrence of every secret in `text` (longest first, in one pass). */
export function redactText(text: string, secrets: readonly string[]): string {
  const usable = [...new Set(secrets)].filter((s) => s.length >= MIN_SEARCH_LENGTH).sort((a, b) => b.length - a.length);
  if (usable.length === 0) return text;
  const pattern = new RegExp(usable.map(escapeRegExp).join('|'), 'g');
  return text.replace(pattern, (match) => redactSecret(match));
}

export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: readonly string[] = []) {
    this.secrets = [...secrets];
  }

  add(...secrets: string[]): void {
    for (const secret of secrets) if (secret && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  text(text: string): string {
    return redactText(text, this.secrets);
  }

  /** A deep copy of `value` with every string passed through `text()`. */
  value<T>(value: T): T {
    if (typeof value === 'string') return (this.secrets.includes(value) ? redactSecret(value) : this.text(value)) as T;
    if (Array.isArray(value)) return value.map((item) => this.value(item)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v)])) as T;
    }
    return value;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
