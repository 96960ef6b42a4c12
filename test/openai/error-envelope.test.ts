import { describe, expect, it } from 'vitest';
import { checkErrorResponse } from '../../src/core/openai/error-envelope.js';
import { checkModelsList } from '../../src/core/openai/models-list.js';

const official = { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };
const rules = (f: Array<{ rule: string; severity: string }>) => f.map((x) => `${x.severity} ${x.rule}`);

describe('error envelope of deliberately bad requests', () => {
  it('the official envelope and status pass', () => {
    expect(checkErrorResponse('bad-key', 401, official)).toEqual([]);
    expect(checkErrorResponse('unknown-model', 404, { error: { ...official.error, code: 'model_not_found' } })).toEqual([]);
  });

  it('a bare string body or a non-JSON page is not the envelope', () => {
    expect(rules(checkErrorResponse('bad-key', 401, { message: 'nope' }))).toEqual(['error error.envelope']);
    expect(rules(checkErrorResponse('bad-key', 401, undefined))).toEqual(['error error.envelope']);
    expect(rules(checkErrorResponse('bad-key', 401, { error: 'invalid key' }))).toEqual(['error error.envelope']);
  });

  it('param and code missing are tolerated as warnings', () => {
    expect(rules(checkErrorResponse('bad-key', 401, { error: { message: 'x', type: 'auth' } }))).toEqual(['warning schema.optional-missing', 'warning schema.optional-missing']);
  });

  it('an unexpected status, and a 200 carrying the error', () => {
    expect(rules(checkErrorResponse('unknown-model', 500, official))).toEqual(['warning error.status']);
    expect(rules(checkErrorResponse('bad-key', 200, official))).toEqual(['error response.error-in-200']);
  });
});

describe('GET /models', () => {
  it('a list passes; other shapes and statuses warn', () => {
    expect(checkModelsList(200, { object: 'list', data: [{ id: 'gpt-4o', object: 'model', created: 1, owned_by: 'openai' }] })).toEqual([]);
    expect(rules(checkModelsList(200, { data: 'gpt-4o' }))).toEqual(['warning models.list', 'warning models.list']);
    expect(rules(checkModelsList(404, { error: { message: 'Invalid URL (GET /v1/models)', type: 'invalid_request_error', param: null, code: null } }))).toEqual([
      'warning models.list',
    ]);
  });

  it('an error answer that is not the envelope is an error.envelope finding too', () => {
    expect(rules(checkModelsList(404, undefined))).toEqual(['warning models.list', 'error error.envelope']);
    expect(rules(checkModelsList(502, { 'html-message': 'upstream down' }))).toEqual(['warning models.list', 'error error.envelope']);
  });
});
