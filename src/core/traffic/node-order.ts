import { probeEndpoint } from '../check/probe-endpoint.js';
import type { Config, ProviderRole } from '../config/schema.js';
import { ProbeClient } from '../http/client.js';
import { endpointOf } from '../providers/endpoint.js';
import { providerHops } from './nginx-hops.js';

// The gateway's node order: at each stage apply, every node of a provider with failover is
// measured the way `migrate check` measures it (its checks, then timed streaming requests),
// and the fastest healthy node becomes the primary. A node that cannot be measured within the
// time limit (down, failing a check, too slow to answer) goes after the measured ones, in
// config order; when none can be measured the config order stands.

export interface NodeTiming {
  id: string;
  /** The measured p50 of the timed requests (ms); absent when the node could not be measured. */
  p50Ms?: number;
  /** Why it could not be measured. */
  error?: string;
}

/** Per provider, its nodes in the order the include lists them (empty: no failover, nothing measured). */
export type NodeOrder = Record<ProviderRole, NodeTiming[]>;

export interface MeasureOptions {
  environment: string;
  providers: Config['providers'];
  /** The model the timed requests ask for (config.models[0]). */
  models: string[];
  processEnv: NodeJS.ProcessEnv;
  /** The whole measurement's limit: a stage apply must not wait on a hanging node. */
  timeoutMs?: number;
  /** Timed requests per node (check's samples, fewer: this runs at every stage). */
  samples?: number;
  signal?: AbortSignal;
}

// check's steps plus 3 timed requests take 4-8 s on a real provider (completions of 16 tokens); a node slower than this is not the one to prefer.
export const ORDER_TIMEOUT_MS = 10_000;
export const ORDER_SAMPLES = 3;

export async function measureNodeOrder(opts: MeasureOptions): Promise<NodeOrder> {
  const limit = AbortSignal.timeout(opts.timeoutMs ?? ORDER_TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([opts.signal, limit]) : limit;
  const client = new ProbeClient({ processEnv: opts.processEnv });
  try {
    const [legacy, target] = await Promise.all((['legacy', 'target'] as const).map((role) => measureProvider(client, role, opts, signal)));
    return { legacy: legacy!, target: target! };
  } finally {
    await client.close();
  }
}

async function measureProvider(client: ProbeClient, role: ProviderRole, opts: MeasureOptions, signal: AbortSignal): Promise<NodeTiming[]> {
  const provider = opts.providers[role];
  const hops = providerHops(opts.environment, role, provider);
  const timings = await Promise.all(
    hops.map(async (hop): Promise<NodeTiming> => {
      const node = provider.nodes.find((n) => n.id === hop.id);
      const endpoint = endpointOf(role, provider, node);
      try {
        const report = await untilAborted(
          probeEndpoint(client, endpoint, { models: opts.models, samples: opts.samples ?? ORDER_SAMPLES, strictModels: false, maxErrors: 0, processEnv: opts.processEnv, signal }),
          signal,
        );
        const p50 = report.samples.latency.totalMs?.p50;
        if (report.verdict === 'fail' || p50 === undefined)
          return { id: hop.id, error: report.problems.find((p) => p.severity === 'fail')?.message ?? 'no timed request answered' };
        return { id: hop.id, p50Ms: Math.round(p50) };
      } catch {
        return { id: hop.id, error: `not measured within ${(opts.timeoutMs ?? ORDER_TIMEOUT_MS) / 1000}s` };
      }
    }),
  );
  return orderByP50(timings);
}

/** Measured nodes by p50 (ties keep config order), then the unmeasured in config order. */
export function orderByP50(timings: NodeTiming[]): NodeTiming[] {
  const measured = timings.filter((t) => t.p50Ms !== undefined).sort((a, b) => a.p50Ms! - b.p50Ms!);
  return [...measured, ...timings.filter((t) => t.p50Ms === undefined)];
}

/** The reachability probe does not take a signal: stop waiting for it when the limit passes. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** `target east 12ms → west 85ms (backup), slow not measured`: the order as the stage line prints it. */
export function describeNodeOrder(order: NodeOrder): string | undefined {
  const parts = (['target', 'legacy'] as const).flatMap((role) => {
    const nodes = order[role];
    if (nodes.length === 0) return [];
    return [`${role} nodes ${nodes.map((n) => `${n.id} ${n.p50Ms === undefined ? '(not measured)' : `p50 ${n.p50Ms}ms`}`).join(' → ')}`];
  });
  return parts.length ? parts.join('; ') : undefined;
}
