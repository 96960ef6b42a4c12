import { AUTH_HINT } from '../http/classify.js';
import type { ProbeClient } from '../http/client.js';
import type { ProbeResponse } from '../http/types.js';
import { modelMismatch } from '../openai/common-checks.js';
import { RULES } from '../openai/rules.js';
import { chatRequest, modelsRequest, providerModel, type Endpoint, type TokenParam } from '../providers/endpoint.js';
import { summarize } from '../stats.js';
import { probeReachability } from './reach.js';
import type { EndpointReport, Problem, Step } from './types.js';

export interface ProbeOptions {
  models: string[];
  samples: number;
  strictModels: boolean;
  maxP95Ms?: number;
  maxErrors: number;
  processEnv: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

const skipped: Step = { status: 'skip' };

/** Runs every check against one endpoint (a provider's main URL or one node), in order. */
export async function probeEndpoint(client: ProbeClient, endpoint: Endpoint, opts: ProbeOptions): Promise<EndpointReport> {
  const report: EndpointReport = {
    role: endpoint.role,
    node: endpoint.node,
    region: endpoint.region,
    baseUrl: endpoint.baseUrl,
    reach: await probeReachability(endpoint.baseUrl, opts.processEnv, Math.min(endpoint.timeoutMs, 10_000)),
    models: skipped,
    chat: skipped,
    stream: skipped,
    samples: { requested: 0, sent: 0, errors: 0, latency: {} },
    verdict: 'pass',
    problems: [],
  };
  if (!report.reach.ok) return finish(report, opts);
  report.models = await checkModels(client, endpoint, opts);
  if (report.models.status === 'fail' && report.models.message?.startsWith('auth')) return finish(report, opts);
  const model = opts.models[0]!;
  const chat = await checkChat(client, endpoint, model, opts.signal);
  report.chat = chat.step;
  if (chat.step.status === 'fail') return finish(report, opts);
  report.stream = await checkStream(client, endpoint, model, chat.tokenParam, opts.signal);
  // Samples are the same streaming request: after a failed stream they would only repeat its failure.
  if (report.stream.status === 'fail') return finish(report, opts);
  report.samples = await sample(client, endpoint, model, chat.tokenParam, opts);
  return finish(report, opts);
}

async function checkModels(client: ProbeClient, endpoint: Endpoint, opts: ProbeOptions) {
  const res = await client.request(modelsRequest(endpoint, opts.signal));
  return withRetries(modelsStep(res, endpoint, opts), res);
}

function modelsStep(res: ProbeResponse, endpoint: Endpoint, opts: ProbeOptions) {
  const ms = res.timings.totalMs;
  if (res.failure?.kind === 'auth') return authFailure(res, ms);
  if (!res.ok) {
    const status = opts.strictModels ? 'fail' : 'warn';
    return { status, ms, message: `GET /models failed: ${res.failure?.message ?? 'unknown error'}`, hint: res.failure?.hint } as const;
  }
  const served = modelIds(res.json);
  if (!served) return { status: 'warn', ms, message: 'GET /models answered without a data list' } as const;
  const missing = opts.models.map((m) => providerModel(endpoint, m)).filter((m) => !served.includes(m));
  if (missing.length === 0) return { status: 'pass', ms, served: served.length } as const;
  return {
    status: 'fail',
    ms,
    missing,
    served: served.length,
    message: `model${missing.length > 1 ? 's' : ''} not offered: ${missing.join(', ')}`,
    hint: `pick models from GET ${endpoint.baseUrl}/models (${served.slice(0, 5).join(', ')}${served.length > 5 ? ', …' : ''})`,
  } as const;
}

function modelIds(json: unknown): string[] | undefined {
  const data = (json as { data?: unknown })?.data;
  if (!Array.isArray(data)) return undefined;
  return data.map((m) => (m as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string');
}

function authFailure(res: ProbeResponse, ms: number): Step {
  return {
    status: 'fail',
    ms,
    message: `auth: HTTP ${res.status}, the key was refused`,
    hint: res.failure?.hint ?? AUTH_HINT,
  };
}

/** Newer APIs want max_completion_tokens; some relays only know max_tokens. Try the first, fall back. */
async function checkChat(client: ProbeClient, endpoint: Endpoint, model: string, signal?: AbortSignal) {
  let tokenParam: TokenParam = 'max_completion_tokens';
  let res = await client.request(chatRequest(endpoint, { model, tokenParam, signal }));
  if (res.status === 400 && unsupportedTokenParam(res)) {
    tokenParam = 'max_tokens';
    res = await client.request(chatRequest(endpoint, { model, tokenParam, signal }));
  }
  return { tokenParam, step: withRetries(chatStep(res, tokenParam, model, providerModel(endpoint, model)), res) };
}

function chatStep(res: ProbeResponse, tokenParam: TokenParam, model: string, sent: string): EndpointReport['chat'] {
  const ms = res.timings.totalMs;
  if (res.failure?.kind === 'auth') return authFailure(res, ms);
  if (!res.ok) return failedStep('chat', res, ms);
  if (res.invalidUtf8) return notUtf8('chat', ms);
  const content = (res.json as { choices?: { message?: unknown }[] })?.choices?.[0]?.message;
  if (!content)
    return {
      status: 'fail',
      ms,
      message: 'chat completion has no choices[0].message',
      hint: 'the provider does not answer in the OpenAI shape: run `migrate validate` for details',
    };
  const models: { model: string; providerModel?: string } = sent === model ? { model } : { model, providerModel: sent };
  const mismatch = modelMismatch((res.json as { model?: unknown })?.model as string | undefined, sent);
  if (mismatch) return { status: 'warn', ms, tokenParam, ...models, message: `model: ${mismatch}`, hint: RULES['model.mapped'].explain };
  return { status: 'pass', ms, tokenParam, ...models };
}

function unsupportedTokenParam(res: ProbeResponse): boolean {
  const text = `${res.failure?.code ?? ''} ${res.failure?.message ?? ''}`;
  return /unsupported_parameter|max_completion_tokens/.test(text);
}

async function checkStream(client: ProbeClient, endpoint: Endpoint, model: string, tokenParam: TokenParam, signal?: AbortSignal) {
  const res = await client.request(chatRequest(endpoint, { model, tokenParam, stream: true, signal }));
  return withRetries(streamStep(res), res);
}

function streamStep(res: ProbeResponse) {
  const ms = res.timings.totalMs;
  if (!res.ok) return failedStep('stream', res, ms);
  if (res.invalidUtf8) return notUtf8('stream', ms);
  const usage = (res.events ?? []).some((e) => e.data.includes('"usage"') && /"usage"\s*:\s*\{/.test(e.data));
  const base = { ms, ttftMs: res.timings.ttftMs, chunks: res.events?.length ?? 0, done: res.done, usage };
  if (!usage) return { ...base, status: 'warn', message: 'stream has no usage chunk although stream_options.include_usage was set' } as const;
  return { ...base, status: 'pass' } as const;
}

/** Records the attempts that failed before the final one (429s, resets), so -v and --json show why a step was slow. */
function withRetries<S extends Step>(step: S, res: ProbeResponse): S {
  const earlier = res.attempts.slice(0, -1);
  if (earlier.length === 0) return step;
  const retries = earlier.map((a) => `${a.failure?.message ?? `HTTP ${a.status}`}${a.retryAfterMs !== undefined ? `, retried after ${Math.round(a.retryAfterMs)} ms` : ''}`);
  return { ...step, retries };
}

/** Clients decode answers as UTF-8: a strict one rejects other bytes, the rest show U+FFFD instead of the text. */
function notUtf8(what: string, ms: number) {
  return {
    status: 'fail',
    ms,
    message: `${what}: the answer holds bytes that are not UTF-8`,
    hint: 'the provider or a proxy in front of it re-encodes answers: run `migrate validate` for details',
  } as const;
}

function failedStep(what: string, res: ProbeResponse, ms: number): Step {
  const f = res.failure;
  return { status: 'fail', ms, message: `${what}: ${f?.message ?? `HTTP ${res.status}`}`, hint: f?.hint };
}

/**
 * One warm-up, then N timed streaming requests in sequence (no retries: we measure real errors).
 * Stops once the errors exceed the limit: the verdict is settled, and a hanging provider would
 * otherwise cost a full timeout per remaining sample.
 */
async function sample(client: ProbeClient, endpoint: Endpoint, model: string, tokenParam: TokenParam, opts: ProbeOptions) {
  await client.request(chatRequest(endpoint, { model, tokenParam, stream: true, retries: 0, signal: opts.signal }));
  const ttfb: number[] = [];
  const ttft: number[] = [];
  const total: number[] = [];
  let errors = 0;
  let sent = 0;
  while (sent < opts.samples && errors <= opts.maxErrors) {
    sent++;
    const res = await client.request(chatRequest(endpoint, { model, tokenParam, stream: true, retries: 0, signal: opts.signal }));
    if (!res.ok) {
      errors++;
      continue;
    }
    if (res.timings.ttfbMs !== undefined) ttfb.push(res.timings.ttfbMs);
    if (res.timings.ttftMs !== undefined) ttft.push(res.timings.ttftMs);
    total.push(res.timings.totalMs);
  }
  return {
    requested: opts.samples,
    sent,
    errors,
    latency: { ttfbMs: summarize(ttfb), ttftMs: summarize(ttft), totalMs: summarize(total) },
  };
}

// Every failure names a next step; these cover failures whose cause the client could not name.
const NEXT_STEP: Record<'models' | 'chat' | 'stream', string | undefined> = {
  models: undefined,
  chat: 'run `migrate check -v` to see each attempt; if it persists, ask the provider or try another node',
  stream: 'the provider (or a proxy in between) breaks streaming: run `migrate validate` for details, or try another node',
};

function finish(report: EndpointReport, opts: ProbeOptions): EndpointReport {
  const problems: Problem[] = [];
  if (!report.reach.ok)
    problems.push({
      check: 'reach',
      severity: 'fail',
      message: report.reach.error ?? 'unreachable',
      hint: 'check the host in baseUrl, DNS, firewalls, and HTTPS_PROXY if you need a proxy',
    });
  for (const check of ['models', 'chat', 'stream'] as const) {
    const step = report[check];
    if (step.status === 'fail' || step.status === 'warn') problems.push({ check, severity: step.status, message: step.message ?? check, hint: step.hint ?? NEXT_STEP[check] });
  }
  const { errors, sent, requested, latency } = report.samples;
  const stopped = sent < requested ? `; stopped before the other ${requested - sent}` : '';
  if (errors > opts.maxErrors)
    problems.push({
      check: 'samples',
      severity: 'fail',
      message: `${errors} of ${sent} timed requests failed (max ${opts.maxErrors}${stopped})`,
      hint: 'run `migrate check -v` again; if it persists the provider is unstable',
    });
  const p95 = latency.totalMs?.p95;
  if (opts.maxP95Ms !== undefined && p95 !== undefined && p95 > opts.maxP95Ms)
    problems.push({
      check: 'latency',
      severity: 'fail',
      message: `p95 total ${Math.round(p95)}ms > ${opts.maxP95Ms}ms`,
      hint: 'try another node or region, or raise check.maxP95Ms',
    });
  report.problems = problems;
  report.verdict = problems.some((p) => p.severity === 'fail') ? 'fail' : problems.length ? 'warn' : 'pass';
  return report;
}
