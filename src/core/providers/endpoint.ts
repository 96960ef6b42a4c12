import type { NodeConfig, ProviderConfig, ProviderRole } from '../config/schema.js';
import { authHeaders } from '../http/auth.js';
import type { RequestSpec } from '../http/types.js';

/** One place requests go: a provider's main base URL or one of its nodes. */
export interface Endpoint {
  role: ProviderRole;
  /** "main" for the provider's own baseUrl, else the node id. */
  node: string;
  region?: string;
  baseUrl: string;
  apiKey: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export function providerEndpoints(role: ProviderRole, provider: ProviderConfig): Endpoint[] {
  const main = endpointOf(role, provider);
  return [main, ...provider.nodes.map((node) => endpointOf(role, provider, node))];
}

export function endpointOf(role: ProviderRole, provider: ProviderConfig, node?: NodeConfig): Endpoint {
  return {
    role,
    node: node?.id ?? 'main',
    region: node?.region,
    baseUrl: (node?.baseUrl ?? provider.baseUrl).replace(/\/+$/, ''),
    apiKey: node?.apiKey ?? provider.apiKey,
    headers: { ...provider.headers, ...node?.headers },
    timeoutMs: provider.timeoutMs,
  };
}

function headersFor(endpoint: Endpoint): Record<string, string> {
  return authHeaders(endpoint.apiKey, endpoint.headers);
}

export function modelsRequest(endpoint: Endpoint, signal?: AbortSignal): RequestSpec {
  return {
    method: 'GET',
    url: `${endpoint.baseUrl}/models`,
    headers: headersFor(endpoint),
    timeouts: { totalMs: endpoint.timeoutMs },
    signal,
  };
}

export type TokenParam = 'max_completion_tokens' | 'max_tokens';

export interface ChatOptions {
  model: string;
  content?: string;
  maxTokens?: number;
  tokenParam?: TokenParam;
  stream?: boolean;
  retries?: number;
  signal?: AbortSignal;
}

/** The minimal chat completion `check` and the ramp's probes send. */
export function chatRequest(endpoint: Endpoint, opts: ChatOptions): RequestSpec {
  const body: Record<string, unknown> = {
    model: opts.model,
    messages: [{ role: 'user', content: opts.content ?? 'hi' }],
    [opts.tokenParam ?? 'max_completion_tokens']: opts.maxTokens ?? 16,
  };
  if (opts.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return {
    method: 'POST',
    url: `${endpoint.baseUrl}/chat/completions`,
    headers: { ...headersFor(endpoint), 'content-type': 'application/json' },
    body,
    stream: opts.stream,
    timeouts: { totalMs: endpoint.timeoutMs },
    retry: opts.retries === undefined ? undefined : { retries: opts.retries },
    signal: opts.signal,
  };
}
