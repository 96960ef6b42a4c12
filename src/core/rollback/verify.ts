import { UsageError } from '../../errors.js';
import type { Config, ProviderRole } from '../config/schema.js';
import { ProbeClient } from '../http/client.js';
import type { ProbeResponse } from '../http/types.js';
import { chatRequest, endpointOf, modelsRequest, type Endpoint, type TokenParam } from '../providers/endpoint.js';
import type { PointsAt } from '../state/manifest.js';
import { sinceStart } from '../clock.js';

export interface ProbeStep {
  status: 'pass' | 'warn' | 'fail';
  ms?: number;
  message?: string;
}

/** Did the provider the restored files point at answer? Models and one chat, no samples: speed matters now. */
export interface Connectivity {
  ok: boolean;
  /** The provider checked. */
  provider: ProviderRole;
  /** What the restored files point at; `unknown` is checked as legacy (and said so). */
  pointsAt: PointsAt;
  baseUrl: string;
  models: ProbeStep;
  chat: ProbeStep;
  durationMs: number;
}

export async function verifyConnectivity(config: Config, pointsAt: PointsAt, opts: { processEnv: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<Connectivity> {
  const provider: ProviderRole = pointsAt === 'target' ? 'target' : 'legacy';
  const endpoint = endpointOf(provider, config.providers[provider]);
  const [model] = config.models; // the schema requires one; a config built by hand may not
  if (model === undefined) throw new UsageError('models: list at least one model name in migrate.yaml');
  const answer = await verifyEndpoint(endpoint, { model, strictModels: config.providers[provider].strictModels, processEnv: opts.processEnv, signal: opts.signal });
  return { ...answer, provider, pointsAt, baseUrl: endpoint.baseUrl };
}

/** Does this endpoint answer? */
export interface EndpointAnswer {
  ok: boolean;
  models: ProbeStep;
  chat: ProbeStep;
  durationMs: number;
}

/**
 * Models and one chat against one endpoint: a provider as configured, or exactly the base URL
 * and key an app's container holds (with the headers of the provider it points at).
 */
export async function verifyEndpoint(
  endpoint: Endpoint,
  opts: { model: string; strictModels: boolean; processEnv: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<EndpointAnswer> {
  const started = sinceStart();
  const client = new ProbeClient({ processEnv: opts.processEnv });
  try {
    const models = await checkModels(client, endpoint, opts.strictModels, opts.signal);
    opts.signal?.throwIfAborted(); // an aborted /models only warns: do not send a chat for nothing
    const chat = models.status === 'fail' ? { status: 'fail' as const, message: 'skipped: /models failed' } : await checkChat(client, endpoint, opts.model, opts.signal);
    const ok = models.status !== 'fail' && chat.status !== 'fail';
    return { ok, models, chat, durationMs: Math.round(sinceStart() - started) };
  } finally {
    await client.close();
  }
}

/** Failures that mean the provider cannot serve anyone, /models or not. */
const FATAL = new Set(['auth', 'network', 'timeout', 'html']);

/** Like `migrate check`: a refused key or no answer fails; a relay without /models only warns unless strictModels. */
async function checkModels(client: ProbeClient, endpoint: Endpoint, strict: boolean, signal?: AbortSignal): Promise<ProbeStep> {
  const res = await client.request(modelsRequest(endpoint, signal));
  const ms = Math.round(res.timings.totalMs);
  if (res.ok) return { status: 'pass', ms };
  const message = `GET /models: ${describe(res)}`;
  return { status: FATAL.has(res.failure?.kind ?? '') || strict ? 'fail' : 'warn', ms, message };
}

/** Newer APIs want max_completion_tokens, some relays only max_tokens: try one, fall back. */
async function checkChat(client: ProbeClient, endpoint: Endpoint, model: string, signal?: AbortSignal): Promise<ProbeStep> {
  const send = (tokenParam: TokenParam) => client.request(chatRequest(endpoint, { model, tokenParam, maxTokens: 8, signal }));
  let res = await send('max_completion_tokens');
  if (res.status === 400 && /unsupported_parameter|max_completion_tokens/.test(`${res.failure?.code ?? ''} ${res.failure?.message ?? ''}`)) {
    res = await send('max_tokens');
  }
  const ms = Math.round(res.timings.totalMs);
  if (!res.ok) return { status: 'fail', ms, message: `POST /chat/completions: ${describe(res)}` };
  const message = (res.json as { choices?: { message?: unknown }[] } | undefined)?.choices?.[0]?.message;
  if (!message) return { status: 'fail', ms, message: 'POST /chat/completions: no choices[0].message in the answer' };
  return { status: 'pass', ms };
}

/** Failure messages from the probing client never contain a key. */
function describe(res: ProbeResponse): string {
  const f = res.failure;
  const text = f?.message ?? `HTTP ${res.status}`;
  return f?.hint ? `${text} (${f.hint})` : text;
}
