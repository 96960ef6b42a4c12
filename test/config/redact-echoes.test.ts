// The shared redactor against the shapes in which servers and relays echo a key back: any letter
// case, base64 and base64url (alone, after `user:`, inside an encoded JSON body), a tail or a middle
// of 12+ characters, a key split by a newline or quoted in JSON. Generated keys, generated echoes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecretHeader, isSecretName, MIN_RUN, Redactor, redactText } from '../../src/core/redact.js';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const chars = (alphabet: string, min: number, max: number) => fc.array(fc.constantFrom(...alphabet.split('')), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** Keys as providers issue them: sk-…, hex, base64-ish; at least 16 characters. */
const keys = fc.oneof(
  chars(ALNUM, 20, 48).map((k) => `sk-${k}`),
  chars(`${ALNUM}-_`, 13, 40).map((k) => `sk-proj-${k}`),
  chars('0123456789abcdef', 16, 64),
  chars(`${ALNUM}+/`, 16, 60),
);

/** A 12+ character run of the key at any offset, any length. */
const run = (key: string) =>
  fc.integer({ min: 0, max: key.length - MIN_RUN }).chain((start) => fc.integer({ min: start + MIN_RUN, max: key.length }).map((end) => key.slice(start, end)));

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** One way a server might echo the key back. */
const echoOf = (key: string) =>
  fc.oneof(
    fc.constant(key),
    fc.constant(key.toLowerCase()),
    fc.constant(key.toUpperCase()),
    fc.array(fc.boolean(), { minLength: key.length, maxLength: key.length }).map((up) => [...key].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join('')),
    fc.constant(b64(key)),
    fc.constant(b64url(key)),
    chars(ALNUM, 0, 8).map((user) => `Basic ${b64(`${user}:${key}`)}`),
    fc.constant(b64(JSON.stringify({ model: 'gpt-4.1', api_key: key, n: 1 }))),
    fc.constant(b64url(JSON.stringify({ sub: 'user', key }))),
    run(key),
    run(key).map((r) => r.toLowerCase()),
    fc.integer({ min: 1, max: key.length - 1 }).map((at) => `${key.slice(0, at)}\n${key.slice(at)}`),
    fc.constant(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}` } })),
    // base64 of the key inside any bytes: every byte offset, anything after it.
    fc.tuple(chars(`${ALNUM} :"{},=`, 0, 7), chars(`${ALNUM} :"{},=`, 0, 7), fc.boolean()).map(([pre, post, url]) => (url ? b64url : b64)(`${pre}${key}${post}`)),
    // Split anywhere by whatever a relay puts between the halves.
    fc
      .tuple(fc.integer({ min: 1, max: key.length - 1 }), fc.constantFrom('\n', '\r\n', ' ', '", "', '\\n', '<br>'))
      .map(([at, sep]) => `${key.slice(0, at)}${sep}${key.slice(at)}`),
    fc.constant(encodeURIComponent(key)),
  );

/** Words a message about a provider holds and no key redaction may touch. */
const words = fc
  .array(
    fc.constantFrom('openai', 'error', 'undefined', 'portkey', 'provider', 'HTTP', '401', 'Bearer', 'sk-', 'gpt-4.1', 'x-request-id', 'req_123', ':', '\n', '{', '"', 'v1', 'ok'),
    { maxLength: 30 },
  )
  .map((w) => w.join(' '));

/** Every text a 12-run of the key could hide in: the text itself, lower-cased, and base64-decoded runs. */
function survivingRun(text: string, key: string): string | undefined {
  const lower = text.toLowerCase();
  for (let i = 0; i + MIN_RUN <= key.length; i++) if (lower.includes(key.slice(i, i + MIN_RUN).toLowerCase())) return key.slice(i, i + MIN_RUN);
  for (const token of text.match(/[A-Za-z0-9+/_-]{16,}/g) ?? []) {
    for (const shift of [0, 1, 2, 3]) {
      const decoded = Buffer.from(token.slice(shift), token.includes('-') || token.includes('_') ? 'base64url' : 'base64').toString('latin1');
      for (let i = 0; i + MIN_RUN <= key.length; i++) if (decoded.includes(key.slice(i, i + MIN_RUN))) return `base64 of ${key.slice(i, i + MIN_RUN)}`;
    }
  }
  return undefined;
}

describe('redactText: every echo of a key', () => {
  it('leaves no run of 12 or more characters of the key, in clear or in base64, whatever the echo', () => {
    fc.assert(
      fc.property(
        keys.chain((key) => fc.tuple(fc.constant(key), echoOf(key), words, words)),
        ([key, echo, before, after]) => {
          const out = redactText(`${before} ${echo} ${after}`, [key]);
          expect(survivingRun(out, key)).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('changes nothing in text that holds no run of the key', () => {
    fc.assert(
      fc.property(keys, words, fc.string({ maxLength: 60 }), (key, text, noise) => {
        const input = `${text}${noise}`;
        fc.pre(survivingRun(input, key) === undefined);
        expect(redactText(input, [key, `Bearer ${key}`])).toBe(input);
      }),
      { numRuns: 300 },
    );
  });

  it('names each shape it replaces: the whole key as sk-…last4, the rest as [redacted]', () => {
    const key = 'sk-proj-Q2xvdWQgbWlncmF0ZSB0ZXN0IGtleQ9f2c';
    const text = [
      `upper ${key.toUpperCase()}`,
      `basic Basic ${b64(`user:${key}`)}`,
      `tail ${key.slice(-25)}`,
      `split ${key.slice(0, 20)}\n${key.slice(20)}`,
      'openai error: undefined',
    ].join('; ');
    const out = redactText(text, [key]);
    expect(out).toContain('upper SK-…9F2C');
    expect(out).toContain('tail [redacted]');
    expect(out).toContain('split [redacted]\n[redacted]');
    expect(out).toContain('openai error: undefined');
    expect(out).not.toContain(b64(`user:${key}`).slice(8, 30));
  });

  it('redacts deep values with every rule, and keeps the key a Redactor learns later', () => {
    const key = 'sk-abcdefghijklmnopqrstu4444';
    const redactor = new Redactor([]);
    redactor.add(key);
    expect(redactor.value({ junit: `<failure message="echo ${key.slice(3)}"/>`, md: `| ${b64(key)} |` })).toEqual({
      junit: '<failure message="echo [redacted]"/>',
      md: '| [redacted] |',
    });
  });
});

describe('isSecretHeader: whole words of the header name', () => {
  it('treats credential headers as secret', () => {
    for (const name of [
      'Authorization',
      'Proxy-Authorization',
      'Helicone-Auth',
      'x-api-key',
      'api-key',
      'X-ApiKey',
      'x-portkey-api-key',
      'x-portkey-virtual-key',
      'X-Auth-Token',
      'access_token',
      'Cookie',
      'cf-access-client-secret',
      'x-goog-api-key',
      'X-Password',
    ]) {
      expect(isSecretHeader(name), name).toBe(true);
    }
  });

  it('shows headers that merely contain such letters', () => {
    for (const name of ['x-portkey-provider', 'x-request-id', 'OpenAI-Organization', 'OpenAI-Project', 'x-portkey-config-id', 'x-title', 'HTTP-Referer', 'x-monkey-business']) {
      expect(isSecretHeader(name), name).toBe(false);
    }
  });

  it('judges env variable names the same way, with the marker run into the last word too', () => {
    for (const name of [
      'OPENAI_API_KEY',
      'HOLYSHEEP_APIKEY',
      'OPENAIKEY',
      'PGPASSWORD',
      'DB_PASSWORD',
      'JWT_SECRET',
      'HF_TOKEN',
      'GOOGLE_APPLICATION_CREDENTIALS',
      'AWS_SECRET_ACCESS_KEY',
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ['PORTKEY_PROVIDER', 'MAX_TOKENS', 'KEYCLOAK_URL', 'TOKENIZER_PATH', 'OPENAI_BASE_URL', 'LLM_TARGET_WEIGHT']) {
      expect(isSecretName(name), name).toBe(false);
    }
  });
});
