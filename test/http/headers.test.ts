import { describe, expect, it } from 'vitest';
import { authHeaders } from '../../src/core/http/auth.js';
import { usesProxy } from '../../src/core/http/dispatcher.js';

describe('authHeaders', () => {
  it('builds a Bearer header and keeps the provider’s extra headers', () => {
    expect(authHeaders('sk-abc', { 'X-Org': 'o1' })).toEqual({ 'x-org': 'o1', authorization: 'Bearer sk-abc' });
  });

  it('drops the spaces and quotes a key pasted from a shell or .env file carries', () => {
    expect(authHeaders('  "sk-abc" ').authorization).toBe('Bearer sk-abc');
    expect(authHeaders("'sk-abc'").authorization).toBe('Bearer sk-abc');
  });

  it('an extra Authorization header cannot replace the key', () => {
    expect(authHeaders('sk-abc', { Authorization: 'Bearer other' }).authorization).toBe('Bearer sk-abc');
  });
});

describe('usesProxy', () => {
  const settings = { httpProxy: 'http://p:3128', noProxy: 'localhost, .internal,10.0.0.1:8080' };
  it('applies NO_PROXY by host, domain suffix and ignores ports', () => {
    expect(usesProxy(settings, new URL('http://api.example.com/v1'))).toBe(true);
    expect(usesProxy(settings, new URL('http://localhost:8080/v1'))).toBe(false);
    expect(usesProxy(settings, new URL('http://relay.internal/v1'))).toBe(false);
    expect(usesProxy(settings, new URL('http://10.0.0.1/v1'))).toBe(false);
    expect(usesProxy({ ...settings, noProxy: '*' }, new URL('http://api.example.com/v1'))).toBe(false);
  });

  it('sends https through HTTPS_PROXY, or HTTP_PROXY when that is all there is (undici’s rule)', () => {
    expect(usesProxy({ httpsProxy: 'http://p:1' }, new URL('http://a.example/'))).toBe(false);
    expect(usesProxy({ httpsProxy: 'http://p:1' }, new URL('https://a.example/'))).toBe(true);
    expect(usesProxy({ httpProxy: 'http://p:1' }, new URL('https://a.example/'))).toBe(true);
  });
});
