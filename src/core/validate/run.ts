import type { Config, ProviderConfig, ProviderRole } from '../config/schema.js';
import type { ProbeResponse, RequestSpec } from '../http/types.js';
import { endpointOf, providerModel, type Endpoint } from '../providers/endpoint.js';
import { runPool } from './pool.js';
import { probeSpec, readProbe, PROBE_KINDS, type ProbeKind, type ProbeResult } from './probes.js';
import { TokenBucket } from './rate-limit.js';
import { chatBody, chatSpec } from './request.js';
import { assertSide, readResponse, type Answered, type SideResult } from './side.js';
import type { CaseRun } from './suite.js';
import { verdictOf, type Verdict } from './verdict.js';

export interface Requester {
  request(spec: RequestSpec): Promise<ProbeResponse>;
}

export interface RunOptions {
  runs: readonly CaseRun[];
  /** The providers to run (one or both). */
  providers: Partial<Record<ProviderRole, ProviderConfig>>;
  /** Model for cases that do not name one (config `models[0]`). */
  defaultModel: string;
  concurrency: number;
  /** Requests per minute, per provider. */
  rpm: Record<ProviderRole, number>;
  /** The whole run (validate.timeout); requests still waiting then end as errors. */
  totalTimeoutMs: number;
  signal: AbortSignal;
  client: Requester;
  /** Send the deliberately bad requests and GET /models (default true). */
  probes?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface CaseResult {
  run: CaseRun;
  model: string;
  verdict: Verdict;
  legacy?: SideResult;
  target?: SideResult;
}

export interface RunResult {
  cases: CaseResult[];
  probes: Partial<Record<ProviderRole, ProbeResult[]>>;
  /** validate.timeout ran out before every request finished. */
  timedOut: boolean;
  durationMs: number;
}

/** Requests per minute for each provider: the override (--rpm), else the provider's rpm, else validate.rpm. */
export function rpmOf(config: Config, override?: number): Record<ProviderRole, number> {
  const of = (role: ProviderRole) => override ?? config.providers[role].rpm ?? config.validate.rpm;
  return { legacy: of('legacy'), target: of('target') };
}

type Task = { kind: 'case'; run: CaseRun; role: ProviderRole } | { kind: 'probe'; probe: ProbeKind; role: ProviderRole };

/**
 * Every case against each provider, interleaved (legacy and target of a case are queued next to
 * each other, alternating which goes first) so both see the same time window.
 */
export async function runValidation(opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const roles = (['legacy', 'target'] as const).filter((r) => opts.providers[r]);
  const endpoints = Object.fromEntries(roles.map((r) => [r, endpointOf(r, opts.providers[r]!)])) as Record<ProviderRole, Endpoint>;
  const buckets = Object.fromEntries(roles.map((r) => [r, new TokenBucket(opts.rpm[r])])) as Record<ProviderRole, TokenBucket>;
  const deadline = AbortSignal.timeout(opts.totalTimeoutMs);
  const signal = AbortSignal.any([opts.signal, deadline]);
  const tasks = schedule(opts.runs, roles, opts.probes !== false);
  const answered = new Map<string, Partial<Record<ProviderRole, Answered>>>();
  const judged = new Map<string, CaseResult>();
  const probes: Partial<Record<ProviderRole, ProbeResult[]>> = {};
  const reading = new ReadQueue();
  let done = 0;

  await runPool(
    tasks,
    opts.concurrency,
    async (task) => {
      const endpoint = endpoints[task.role];
      // Every attempt, retries included, waits for a token: a run under 429s keeps to the limit.
      const sendTo = (spec: RequestSpec) => unlessAborted(opts.client.request({ ...spec, beforeAttempt: () => buckets[task.role].take(signal) }), signal);
      if (task.kind === 'probe') {
        const response = await sendTo(probeSpec(task.probe, endpoint, opts.defaultModel, signal));
        if (response) (probes[task.role] ??= []).push(readProbe(task.probe, response));
        opts.onProgress?.(++done, tasks.length);
        return;
      }
      const body = chatBody(task.run, opts.defaultModel);
      body.model = providerModel(endpoint, String(body.model)); // what this provider calls the case's model
      const response = await sendTo(chatSpec(endpoint, body, signal));
      reading.later(() => {
        const entry = answered.get(task.run.key) ?? {};
        entry[task.role] = response ? readResponse(body, response) : notAnswered(deadline.aborted);
        answered.set(task.run.key, entry);
        // Judged as soon as every side is in, while the other requests are out: not all at the end.
        if (roles.every((r) => entry[r])) judged.set(task.run.key, judge(task.run, entry, roles, false, opts.defaultModel));
        opts.onProgress?.(++done, tasks.length);
      });
    },
    signal,
  );
  await reading.drained();

  opts.signal.throwIfAborted();
  const cases = opts.runs.map((run) => judged.get(run.key) ?? judge(run, answered.get(run.key) ?? {}, roles, deadline.aborted, opts.defaultModel));
  return { cases, probes, timedOut: deadline.aborted, durationMs: performance.now() - started };
}

/**
 * Answers are read (conformance checks, the costly part) on a later turn of the event loop, after
 * the worker that got one has sent its next request. Answers come in bursts (every request in
 * flight has the same delay); read in turn before sending, the last of a burst of 16 held its
 * worker's next request back by the time it took to read the other 15.
 */
class ReadQueue {
  private readonly pending = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  later(read: () => void): void {
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(read)
      .catch((error: unknown) => void (this.failure ??= { error }))
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Resolves when every read is done; rejects with the first read's error (a bug, not a provider's fault). */
  async drained(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
    if (this.failure) throw this.failure.error;
  }
}

function schedule(runs: readonly CaseRun[], roles: readonly ProviderRole[], withProbes: boolean): Task[] {
  const probes: Task[] = withProbes ? roles.flatMap((role) => PROBE_KINDS.map((probe) => ({ kind: 'probe' as const, probe, role }))) : [];
  const cases = runs.flatMap((run, i) => {
    const order = i % 2 === 0 ? roles : [...roles].reverse();
    return order.map((role) => ({ kind: 'case' as const, run, role }));
  });
  return [...cases, ...probes];
}

/** undefined when the run was aborted (Ctrl-C or the total timeout) before an answer came. */
async function unlessAborted(request: Promise<ProbeResponse>, signal: AbortSignal): Promise<ProbeResponse | undefined> {
  try {
    return await request;
  } catch (err) {
    if (signal.aborted) return undefined;
    throw err;
  }
}

function notAnswered(timedOut: boolean): Answered {
  const error = timedOut ? 'not answered before validate.timeout ran out' : 'interrupted';
  return { side: { status: 'error', latencyMs: 0, attempts: 0, assertions: [], findings: [], error } };
}

function judge(run: CaseRun, sides: Partial<Record<ProviderRole, Answered>>, roles: readonly ProviderRole[], timedOut: boolean, defaultModel: string): CaseResult {
  const get = (role: ProviderRole) => (roles.includes(role) ? (sides[role] ?? notAnswered(timedOut)) : undefined);
  const [l, t] = [get('legacy'), get('target')];
  const legacy = l && assertSide(run, l);
  const target = t && assertSide(run, t, l?.observation);
  return { run, model: run.params.model ?? defaultModel, verdict: verdictOf(legacy, target), legacy, target };
}
