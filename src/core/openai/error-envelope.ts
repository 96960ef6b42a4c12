import { isRecord } from './answer.js';
import { finding, type Finding } from './rules.js';
import { checkSchema } from './schema-check.js';

/** The deliberately bad requests validate sends, and the statuses OpenAI answers them with. */
export const BAD_REQUESTS = {
  'bad-key': { statuses: [401, 403], what: 'a request with an invalid API key' },
  'unknown-model': { statuses: [400, 404], what: 'a request for a model that does not exist' },
} as const;

export type BadRequestKind = keyof typeof BAD_REQUESTS;

/** Conformance of the answer to a deliberately bad request: status and the error envelope. */
export function checkErrorResponse(kind: BadRequestKind, status: number, body: unknown): Finding[] {
  const expected = BAD_REQUESTS[kind];
  const out: Finding[] = [];
  if (!(expected.statuses as readonly number[]).includes(status)) {
    const rule = status >= 200 && status < 300 && isRecord(body) && 'error' in body ? 'response.error-in-200' : 'error.status';
    out.push(finding(rule, `${expected.what} got HTTP ${status}, expected ${expected.statuses.join(' or ')}`));
  }
  if (status >= 200 && status < 300 && !(isRecord(body) && 'error' in body)) return out;
  return [...out, ...checkErrorEnvelope(body, `${kind}: `)];
}

/**
 * Every non-2xx answer, to a case or a probe, must carry OpenAI's error envelope: SDKs read
 * `error.message` and show a generic error for anything else (`{"error":"SyntaxError"}`,
 * `{"status":"failure"}`, a relay's `{"html-message": …}`, a plain-text or HTML page).
 * `body` is the parsed JSON, undefined when the body is not JSON.
 */
export function checkErrorEnvelope(body: unknown, prefix = ''): Finding[] {
  if (body === undefined) return [finding('error.envelope', `${prefix}the error body is not JSON`)];
  return checkSchema('ErrorResponse', body, prefix).map((f) => (f.severity === 'error' ? { ...f, rule: 'error.envelope' as const } : f));
}
