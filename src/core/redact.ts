// Secrets (API keys, tokens) must never reach output, logs, state or audit files. Everything
// that prints config-derived or server-sent text passes it through this one redactor, built
// from the loaded config's secrets (and, in the HTTP client, the request's credentials).
//
// Servers and relays echo keys back in many shapes, so for each secret it matches:
// - the secret in any letter case (a relay that lower-cases or upper-cases it);
// - its base64 and base64url forms, at each of the 3 byte alignments: base64 of the key alone,
//   `Basic base64(user:key)`, or base64 of a JSON body or token holding the key (the key then
//   starts at any byte offset, and only the characters that depend on the key alone are matched);
//   and its percent-encoded form (a key in a query string). Base64 broken across lines (MIME) is
//   not matched as base64; its runs below still are when the key shows through in clear.
// - any run of MIN_RUN or more consecutive characters of it, extended as far as it goes (a
//   25-character tail, the halves of a key split by a newline or a JSON string boundary).

import { bearerKey } from './http/auth.js';

const ELLIPSIS = '…';
const REDACTED = '[redacted]';
/** Shorter values are masked entirely: four characters of a short key give too much away. */
const MIN_VISIBLE_LENGTH = 12;
/** Shorter "secrets" are not searched for in text: they would mangle ordinary words. */
const MIN_SEARCH_LENGTH = 4;
/** A run of this many characters of a secret is the secret: shorter runs collide with ordinary text. */
export const MIN_RUN = 12;

/**
 * Words of a header or variable name that mark its value as a credential. Names are split into
 * whole words (`-`, `_`, camelCase) so `Helicone-Auth`, `x-api-key` and `OPENAI_API_KEY` are
 * secret while `x-portkey-provider` (whose value is `openai`), `x-request-id`, `KEYCLOAK_URL` and
 * `MAX_TOKENS` are not: redacting their values would blank ordinary words all over the output.
 */
const SECRET_WORDS = new Set([
  'authorization',
  'authentication',
  'auth',
  'key',
  'apikey',
  'accesskey',
  'secretkey',
  'token',
  'apitoken',
  'accesstoken',
  'secret',
  'secrets',
  'clientsecret',
  'password',
  'passwd',
  'cookie',
  'credential',
  'credentials',
  'signature',
  'sig',
]);
/** The last word may run a marker into a name: `OPENAIKEY`, `PGPASSWORD`, `x-myapitoken`. */
const SECRET_SUFFIX = /(key|token|secret|password|passwd)$/;

export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .split(/[-_.\s]+/)
    .filter(Boolean);
  return words.some((word) => SECRET_WORDS.has(word)) || SECRET_SUFFIX.test(words.at(-1) ?? '');
}

/** Header values are secret by the same rule as variable names. */
export const isSecretHeader = isSecretName;

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

/**
 * Every echo of every secret in `text` replaced: a whole secret (any case) by `redactSecret`'s
 * form, an encoded form or a partial run by `[redacted]`. `mask`, when given, replaces every match.
 */
export function redactText(text: string, secrets: readonly string[], mask?: string): string {
  return matcherFor(secrets).redact(text, mask);
}

export class Redactor {
  private readonly secrets: string[];
  private matcher: Matcher | undefined;

  constructor(secrets: readonly string[] = []) {
    this.secrets = [...secrets];
  }

  add(...secrets: string[]): void {
    for (const secret of secrets) {
      if (secret && !this.secrets.includes(secret)) {
        this.secrets.push(secret);
        this.matcher = undefined;
      }
    }
  }

  text(text: string): string {
    this.matcher ??= new Matcher(this.secrets);
    return this.matcher.redact(text);
  }

  /** A deep copy of `value` with every string passed through `text()`. */
  value<T>(value: T): T {
    if (typeof value === 'string') return (this.secrets.includes(value) ? redactSecret(value) : this.text(value)) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => this.value(item)) as T;
    if (value && typeof value === 'object') return this.copyObject(value as Record<string, unknown>) as T;
    return value;
  }

  // A loop rather than Object.fromEntries(Object.entries(…).map(…)): a validation report holds
  // thousands of small objects, and the pair arrays made this copy 2.5x slower (about 15 ms more
  // between validate's last answer and its exit).
  private copyObject(value: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const copied = this.value(value[key]);
      // A server-sent `__proto__` key stays an own property, as Object.fromEntries kept it.
      if (key === '__proto__') Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true });
      else out[key] = copied;
    }
    return out;
  }
}

/** One compiled pattern for a set of secrets: whole secrets first, then encoded forms, then runs. */
class Matcher {
  private readonly pattern: RegExp | undefined;
  private readonly wholes: Set<string>;
  /** Lower-cased secrets long enough to have runs, to extend a run match as far as it goes. */
  private readonly runSources: string[];

  constructor(secrets: readonly string[]) {
    const usable = [...new Set(secrets)].filter((s) => s.length >= MIN_SEARCH_LENGTH);
    const long = usable.filter((s) => s.length >= MIN_RUN);
    this.wholes = new Set(usable.map((s) => s.toLowerCase()));
    this.runSources = long.map((s) => s.toLowerCase());
    const encoded = new Set(long.flatMap(encodedForms));
    const runs = new Set(this.runSources.flatMap((s) => Array.from({ length: s.length - MIN_RUN + 1 }, (_, i) => s.slice(i, i + MIN_RUN))));
    const alternatives = [...byLength(this.wholes), ...byLength(encoded), ...runs];
    this.pattern = alternatives.length ? new RegExp(alternatives.map(escapeRegExp).join('|'), 'gi') : undefined;
  }

  redact(text: string, mask?: string): string {
    if (!this.pattern || text.length < MIN_SEARCH_LENGTH) return text;
    // One compiled pattern, reused: redact() runs to completion without yielding, so lastIndex is ours.
    const pattern = this.pattern;
    pattern.lastIndex = 0;
    let out = '';
    let from = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const found = m[0];
      const whole = this.wholes.has(found.toLowerCase());
      const end = whole ? m.index + found.length : this.extend(text, m.index, found);
      out += text.slice(from, m.index) + (mask ?? (whole ? redactSecret(found) : REDACTED));
      from = pattern.lastIndex = end;
    }
    return out + text.slice(from);
  }

  /** The end of the longest run of some secret that starts where `found` was matched. */
  private extend(text: string, start: number, found: string): number {
    let end = start + found.length;
    const lower = found.toLowerCase();
    for (const source of this.runSources) {
      for (let at = source.indexOf(lower); at >= 0; at = source.indexOf(lower, at + 1)) {
        let n = found.length;
        while (at + n < source.length && start + n < text.length && text[start + n]!.toLowerCase() === source[at + n]) n++;
        end = Math.max(end, start + n);
      }
    }
    return end;
  }
}

// attempt.ts redacts every response body with the request's credentials: keep the few compiled
// matchers it needs rather than compiling one per response.
const cache = new Map<string, Matcher>();
const CACHE_SIZE = 16;

function matcherFor(secrets: readonly string[]): Matcher {
  const key = JSON.stringify(secrets);
  let matcher = cache.get(key);
  if (!matcher) {
    matcher = new Matcher(secrets);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, matcher);
  }
  return matcher;
}

/** base64 and base64url of the secret at byte offsets 0, 1 and 2 of a longer string, and its percent-encoding. */
function encodedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  // The key alone, padding included, is matched whole (it is longer, so it wins over its core).
  const forms: string[] = [bytes.toString('base64'), bytes.toString('base64url')];
  for (const offset of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]);
    const b64 = shifted.toString('base64').replace(/=+$/, '');
    // Leading characters mix in the bytes before the key, and the last one (unless the key ends
    // a 3-byte group) the bytes after it: keep only the characters the key alone decides.
    const head = [0, 2, 3][offset]!;
    const tail = shifted.length % 3 === 0 ? 0 : 1;
    const core = b64.slice(head, b64.length - tail);
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  forms.push(encodeURIComponent(secret));
  return forms.filter((f) => f.length >= MIN_RUN && f !== secret);
}

function byLength(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
