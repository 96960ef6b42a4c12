import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectSecrets } from '../../src/core/config/secrets.js';
import { Redactor, redactSecret, redactText } from '../../src/core/redact.js';

describe('redactSecret', () => {
  it('keeps a short prefix and at most the last 4 characters', () => {
    expect(redactSecret('sk-proj-abcdefghijklmnop9f2c')).toBe('sk-…9f2c');
    expect(redactSecret('hs_0123456789abcdef')).toBe('…cdef');
    expect(redactSecret('Bearer sk-abcdefghijklmnop9f2c')).toBe('Bearer sk-…9f2c');
  });

  it('shows a key pasted with quotes or spaces around it as the key itself', () => {
    expect(redactSecret(' "sk-abcdefghijklmnop9f2c" ')).toBe('sk-…9f2c');
    expect(redactSecret("'hs-abcdefghijklmnop1234'")).toBe('hs-…1234');
  });

  it('masks short values entirely', () => {
    expect(redactSecret('sk-short')).toBe('…');
    expect(redactSecret('')).toBe('…');
  });

  it('never shows more than 4 characters of the secret after its prefix', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), (secret) => {
        const shown = redactSecret(secret).split('…')[1] ?? '';
        expect(shown.length).toBeLessThanOrEqual(4);
        if (secret.length >= 8) expect(redactSecret(secret)).not.toContain(secret);
      }),
    );
  });
});

describe('redactText', () => {
  const legacy = 'sk-legacy-0123456789abcdef1111';
  const target = 'sk-target-0123456789abcdef2222';

  it('replaces every occurrence of every secret', () => {
    const text = `legacy=${legacy} target=${target}\nagain ${legacy}; Authorization: Bearer ${target}`;
    const out = redactText(text, [legacy, target]);
    expect(out).toBe('legacy=sk-…1111 target=sk-…2222\nagain sk-…1111; Authorization: Bearer sk-…2222');
  });

  it('replaces the longer secret first when one contains another', () => {
    expect(redactText(`x Bearer ${target} y`, [target, `Bearer ${target}`])).toBe('x Bearer sk-…2222 y');
  });

  it('treats secrets as text, not patterns, and ignores tiny ones', () => {
    expect(redactText('a+b.c*d(e)=f[1]', ['+b.c*d(e)=f[1]'])).toBe('a…f[1]');
    expect(redactText('abc abc', ['abc'])).toBe('abc abc');
  });
});

describe('Redactor', () => {
  it('redacts deep values, whole or inside text, without touching the original', () => {
    const secret = 'sk-abcdefghijklmnopqrstu4444';
    const redactor = new Redactor([secret]);
    redactor.add('abc'); // too short to search in text, but redacted as a whole value
    const input = { apiKey: secret, note: `key ${secret}`, list: ['abc', 3], nested: { ok: 'plain' } };
    expect(redactor.value(input)).toEqual({ apiKey: 'sk-…4444', note: 'key sk-…4444', list: ['…', 3], nested: { ok: 'plain' } });
    expect(input.apiKey).toBe(secret);
  });

  it('keeps a server-sent __proto__ key as data in the copy, redacted, and leaves the prototype alone', () => {
    const secret = 'sk-abcdefghijklmnopqrstu4444';
    const input = JSON.parse(`{"error":{"__proto__":{"echo":"${secret}"},"code":"x"}}`) as Record<string, Record<string, unknown>>;
    const copy = new Redactor([secret]).value(input);
    expect(Object.getPrototypeOf(copy.error)).toBe(Object.prototype);
    expect(Object.keys(copy.error!)).toEqual(['__proto__', 'code']);
    expect(JSON.stringify(copy)).toBe('{"error":{"__proto__":{"echo":"sk-…4444"},"code":"x"}}');
  });
});

describe('collectSecrets', () => {
  it('counts a padded key both as written and as sent, so an echo of either is redacted', () => {
    const key = 'sk-padded-0123456789abcdef';
    const secrets = collectSecrets({ providers: { target: { apiKey: ` "${key}" `, nodes: [{ apiKey: `'${key}-node'` }] } } });
    expect(secrets).toEqual(expect.arrayContaining([` "${key}" `, key, `${key}-node`]));
    expect(new Redactor(secrets).text(`nginx: invalid value "Bearer ${key}"`)).not.toContain(key);
  });
});
