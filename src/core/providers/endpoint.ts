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
  /** The app's model name -> this provider's (providers.<role>.models). */
  models?: Record<string, string>;
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
    models: provider.models,
  };
}

/** The name this provider knows the app's model by (a relay may want `openai/gpt-4.1` for `gpt-4.1`). */
export function providerModel(endpoint: Pick<Endpoint, 'models'>, model: string): string {
  return endpoint.models && Object.hasOwn(endpoint.models, model) ? endpoint.models[model]! : model;
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

/** The minimal chat completion `check` and the ramp's probes send; `opts.model` is the app's name, mapped here. */
export function chatRequest(endpoint: Endpoint, opts: ChatOptions): RequestSpec {
  const body: Record<string, unknown> = {
    model: providerModel(endpoint, opts.model),
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
