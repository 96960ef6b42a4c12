import { authHeaders } from '../http/auth.js';
import type { RequestSpec, Timeouts } from '../http/types.js';
import type { Endpoint } from '../providers/endpoint.js';
import type { CaseRun } from './suite.js';

/** The chat completion body a case sends: its params as written, plus the model and usage option. */
export function chatBody(run: CaseRun, defaultModel: string): Record<string, unknown> {
  const { include_usage, model, ...params } = run.params;
  const body: Record<string, unknown> = { model: model ?? defaultModel, messages: run.messages, ...params };
  // Streams ask for the usage chunk by default: token counts and costs need it.
  if (params.stream && include_usage !== false) body.stream_options = { include_usage: true };
  return body;
}

export function includesUsage(body: Record<string, unknown>): boolean {
  return (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
}

export function chatSpec(endpoint: Endpoint, body: Record<string, unknown>, signal: AbortSignal, apiKey = endpoint.apiKey): RequestSpec {
  return {
    method: 'POST',
    url: `${endpoint.baseUrl}/chat/completions`,
    headers: authHeaders(apiKey, endpoint.headers),
    body,
    stream: body.stream === true,
    timeouts: timeoutsOf(endpoint),
    signal,
  };
}

export function modelsSpec(endpoint: Endpoint, signal: AbortSignal): RequestSpec {
  return { method: 'GET', url: `${endpoint.baseUrl}/models`, headers: authHeaders(endpoint.apiKey, endpoint.headers), timeouts: timeoutsOf(endpoint), signal };
}

/** Each request gets the provider's timeoutMs; the whole run is bounded separately by validate.timeout. */
function timeoutsOf(endpoint: Endpoint): Partial<Timeouts> {
  return { totalMs: endpoint.timeoutMs };
}
