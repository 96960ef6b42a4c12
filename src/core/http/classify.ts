// Turns an HTTP response or a network error into ok or a Failure a user can act on.
import { errorDetails } from './error-envelope.js';
import { oneLine } from './scrub.js';
import type { Failure } from './types.js';

export const AUTH_HINT =
  "check the API key: this provider's own (not the other provider's), complete (not cut short); spaces or quotes around it are already dropped. Check baseUrl too: it usually ends in /v1";
export const HTML_MESSAGE = 'the base URL serves an HTML page, not the API: check baseUrl (it usually ends in /v1)';

export interface ResponseFacts {
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  text: string;
  /** The request URL (used for the /v1 hint on 404). */
  url: string;
  /** Values that must never appear in a message (the request's credentials). */
  secrets?: readonly string[];
}

export interface Classified {
  json?: unknown;
  failure?: Failure;
}

export function classifyResponse(facts: ResponseFacts): Classified {
  const json = parseJson(facts.text);
  const failure = facts.status >= 200 && facts.status < 300 ? successFailure(facts, json) : statusFailure(facts, json);
  return json === undefined ? { failure } : { json, failure };
}

/** A 2xx can still be a failure: an HTML page, non-JSON, or a relay's `{"error": ...}`. */
function successFailure(facts: ResponseFacts, json: unknown): Failure | undefined {
  const { status } = facts;
  if (isHtml(facts)) return { kind: 'html', status, message: HTML_MESSAGE, hint: 'set baseUrl to the API root, e.g. https://host/v1' };
  if (json === undefined) {
    const what = facts.text.trim() === '' ? 'an empty body' : `non-JSON (${oneLine(facts.text.slice(0, 80), facts.secrets)})`;
    return { kind: 'bad_json', status, message: `HTTP ${status} returned ${what} where JSON was expected` };
  }
  if (typeof json === 'object' && json !== null && 'error' in json && json.error) {
    const details = errorDetails(json) ?? {};
    const message = `HTTP ${status} with an error body: ${details.message ?? 'no message'}`;
    return withCode({ kind: 'error_body', status, message: oneLine(message, facts.secrets) }, details.code);
  }
  return undefined;
}

function statusFailure(facts: ResponseFacts, json: unknown): Failure {
  const { status } = facts;
  const details = errorDetails(json) ?? {};
  // A body that is not an error envelope is quoted as it is: a relay's `{"html-message": …}` is its only explanation.
  const said = details.message ?? (isHtml(facts) ? htmlTitle(facts.text) : facts.text);
  const message = oneLine(said ? `HTTP ${status}: ${said}` : `HTTP ${status}`, facts.secrets);
  const failure: Failure = { kind: kindOf(status), status, message };
  const hint = hintFor(status, details.code, facts.url);
  if (hint) failure.hint = hint;
  return withCode(failure, details.code);
}

function kindOf(status: number): Failure['kind'] {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'server';
  return 'client';
}

function hintFor(status: number, code: string | undefined, url: string): string | undefined {
  if (status === 401 || status === 403) return AUTH_HINT;
  if (status === 429) return 'the provider is rate limiting: lower the probe rate or raise the quota';
  if (status === 404) {
    if (code === 'model_not_found') return 'the provider does not serve this model: check models in migrate.yaml';
    return pathOf(url).includes('/v1/')
      ? 'the endpoint was not found: check that baseUrl is the API root (usually ending in /v1, no trailing path)'
      : 'the endpoint was not found: baseUrl probably needs a trailing /v1';
  }
  if (status >= 300 && status < 400) return 'the base URL redirects: use the final URL (check http vs https and the /v1 suffix)';
  return undefined;
}

function withCode(failure: Failure, code: string | undefined): Failure {
  if (code !== undefined) failure.code = oneLine(code);
  return failure;
}

function parseJson(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isHtml(facts: Pick<ResponseFacts, 'headers' | 'text'>): boolean {
  return (facts.headers['content-type'] ?? '').toLowerCase().includes('text/html') || facts.text.trimStart().startsWith('<');
}

function htmlTitle(text: string): string | undefined {
  const match = /<title[^>]*>([^<]*)<\/title>/i.exec(text);
  return match?.[1]?.trim() ? `an HTML page titled "${match[1].trim()}"` : 'an HTML page';
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname + '/';
  } catch {
    return url;
  }
}
