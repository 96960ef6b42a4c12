import { describe, expect, it } from 'vitest';
import { AUTH_HINT, HTML_MESSAGE, classifyResponse, type ResponseFacts } from '../../src/core/http/classify.js';
import { errorDetails } from '../../src/core/http/error-envelope.js';
import { oneLine, secretsOf } from '../../src/core/http/scrub.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const facts = (status: number, body: unknown, over: Partial<ResponseFacts> = {}): ResponseFacts => ({
  status,
  headers: JSON_TYPE,
  text: typeof body === 'string' ? body : JSON.stringify(body),
  url: 'https://relay.example/v1/chat/completions',
  ...over,
});

describe('classifyResponse by status', () => {
  it('401 is a bad key with the hint about the key and /v1', () => {
    const body = { error: { message: 'Incorrect API key provided: sk-proj-abcdefghijkl1234.', type: 'invalid_request_error', code: 'invalid_api_key', param: null } };
    const { failure } = classifyResponse(facts(401, body));
    expect(failure).toMatchObject({ kind: 'auth', status: 401, code: 'invalid_api_key', hint: AUTH_HINT });
    expect(failure?.message).toMatch(/^HTTP 401: Incorrect API key provided/);
    expect(failure?.message).not.toContain('abcdefghijkl1234');
  });

  it('403 is auth, 429 rate_limit, 5xx server', () => {
    expect(classifyResponse(facts(403, { error: 'forbidden' })).failure?.kind).toBe('auth');
    expect(classifyResponse(facts(429, { error: { message: 'Rate limit reached', type: 'requests' } })).failure).toMatchObject({ kind: 'rate_limit', code: 'requests' });
    for (const status of [500, 502, 503, 504]) expect(classifyResponse(facts(status, { error: 'x' })).failure?.kind).toBe('server');
  });

  it('names a gateway’s HTML error page by its title', () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>';
    const { failure } = classifyResponse(facts(502, html, { headers: { 'content-type': 'text/html' } }));
    expect(failure).toMatchObject({ kind: 'server', message: 'HTTP 502: an HTML page titled "502 Bad Gateway"' });
  });

  it('404 without /v1 in the path says baseUrl probably needs it', () => {
    const { failure } = classifyResponse(facts(404, '404 page not found', { url: 'https://relay.example/chat/completions', headers: {} }));
    expect(failure).toMatchObject({ kind: 'client', status: 404 });
    expect(failure?.hint).toContain('trailing /v1');
  });

  it('404 model_not_found points at the configured models', () => {
    const body = { error: { message: 'The model `gpt-9` does not exist', type: 'invalid_request_error', code: 'model_not_found' } };
    expect(classifyResponse(facts(404, body)).failure).toMatchObject({ kind: 'client', code: 'model_not_found' });
    expect(classifyResponse(facts(404, body)).failure?.hint).toContain('models');
  });

  it('400 unsupported_parameter carries the code (check falls back to max_tokens on it)', () => {
    const body = { error: { message: "Unsupported parameter: 'max_tokens'", type: 'invalid_request_error', param: 'max_tokens', code: 'unsupported_parameter' } };
    expect(classifyResponse(facts(400, body)).failure).toMatchObject({ kind: 'client', code: 'unsupported_parameter', message: "HTTP 400: Unsupported parameter: 'max_tokens'" });
  });
});

describe('classifyResponse on a 2xx', () => {
  it('accepts a JSON body and returns it parsed', () => {
    expect(classifyResponse(facts(200, { choices: [] }))).toEqual({ json: { choices: [] } });
  });

  it('a 200 whose body has an error member is error_body', () => {
    const { failure, json } = classifyResponse(facts(200, { error: { message: 'upstream quota exhausted', code: 'quota' } }));
    expect(failure).toMatchObject({ kind: 'error_body', status: 200, code: 'quota' });
    expect(failure?.message).toContain('upstream quota exhausted');
    expect(json).toBeDefined();
  });

  it('an HTML page means a wrong base URL, by content-type or by a leading <', () => {
    expect(classifyResponse(facts(200, '<!doctype html><p>Welcome', { headers: { 'content-type': 'text/html; charset=utf-8' } })).failure).toMatchObject({
      kind: 'html',
      message: HTML_MESSAGE,
    });
    expect(classifyResponse(facts(200, '  <html></html>', { headers: {} })).failure?.kind).toBe('html');
  });

  it('non-JSON or empty where JSON is expected is bad_json', () => {
    expect(classifyResponse(facts(200, 'OK', { headers: { 'content-type': 'text/plain' } })).failure).toMatchObject({
      kind: 'bad_json',
      message: 'HTTP 200 returned non-JSON (OK) where JSON was expected',
    });
    expect(classifyResponse(facts(200, '{"choices": [', {})).failure?.kind).toBe('bad_json');
    expect(classifyResponse(facts(200, '', {})).failure?.message).toContain('an empty body');
  });
});

describe('errorDetails reads the envelopes relays send', () => {
  it.each([
    [{ error: { message: 'm', type: 't', code: 'c', param: null } }, { message: 'm', code: 'c' }],
    [{ error: { message: 'm', type: 'invalid_request_error', code: null } }, { message: 'm', code: 'invalid_request_error' }],
    [{ error: 'plain string' }, { message: 'plain string', code: undefined }],
    [{ error: { message: 'bad key', code: 401 } }, { message: 'bad key', code: '401' }],
    [
      { message: 'Invalid token', code: 401 },
      { message: 'Invalid token', code: '401' },
    ],
    [{ detail: 'Not authenticated' }, { message: 'Not authenticated', code: undefined }],
    [{ detail: [{ loc: ['body', 'model'], msg: 'field required' }, { msg: 'bad type' }] }, { message: 'field required; bad type', code: undefined }],
  ])('%j', (body, expected) => {
    expect(errorDetails(body)).toEqual(expected);
  });

  it('finds no error in a normal completion', () => {
    expect(errorDetails({ id: 'x', choices: [] })).toBeUndefined();
    expect(errorDetails({ error: null, choices: [] })).toBeUndefined();
    expect(errorDetails('text')).toBeUndefined();
  });
});

describe('messages are one safe line', () => {
  it('collapses newlines and cuts to about 200 characters', () => {
    const { failure } = classifyResponse(facts(500, { error: { message: `line one\nline two ${'x'.repeat(500)}` } }));
    expect(failure?.message).not.toContain('\n');
    expect(failure?.message.length).toBeLessThanOrEqual(200);
    expect(failure?.message.endsWith('…')).toBe(true);
  });

  it('never echoes the request’s credentials, even in a relay’s message', () => {
    const key = 'hs-live-0123456789abcdef';
    const secrets = secretsOf({ Authorization: `Bearer ${key}`, 'content-type': 'application/json' });
    const { failure } = classifyResponse(facts(401, { error: `invalid key ${key} (header "Bearer ${key}")` }, { secrets }));
    expect(failure?.message).not.toContain(key);
    expect(oneLine('token sk-abcdefghijklmnop leaked')).toBe('token [redacted] leaked');
  });

  it('takes credential headers by the parts of their name: a relay routing header is not a secret', () => {
    const secrets = secretsOf({
      'x-api-key': 'k-aaaa1111',
      'X-Portkey-Virtual-Key': 'vk-bbbb2222',
      'X-Auth-Token': 't-cccc3333',
      'X-Portkey-Provider': 'openai',
      'OpenAI-Organization': 'org-1',
    });
    expect(secrets).toEqual(['k-aaaa1111', 'vk-bbbb2222', 't-cccc3333']);
  });
});
