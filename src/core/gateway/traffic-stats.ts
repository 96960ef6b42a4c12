import { summarize, type Summary } from '../stats.js';
import { hopAddresses, type HopProvider } from '../traffic/nginx-hops.js';
import type { ErrorKind, LogEntry, Role } from './log-entry.js';

// One window's real traffic per provider: counts, error kinds, latency and TTFB percentiles,
// and per node, from the gateway's log entries.

export interface NodeCounts {
  /** Tries this node got (a failover counts one try on each node). */
  requests: number;
  /** Tries that failed: the failovers, plus the requests that failed here as the last try. */
  errors: number;
  /** Tries that failed here and went on to the next node within the request. */
  failovers: number;
}

export interface ProviderTraffic {
  requests: number;
  errors: number;
  errorKinds: Record<ErrorKind, number>;
  /** 401/403: the key nginx injects is wrong. */
  authFailures: number;
  /** Total request time (ms) of every request, in log order: the samples the latency tests use. */
  totalMs: number[];
  total?: Summary;
  ttfb?: Summary;
  nodes: Record<string, NodeCounts>;
}

/** Where each provider's nodes live: host:port → node id. */
export type NodeMap = Record<Role, Map<string, string>>;

export function trafficByProvider(entries: readonly LogEntry[], nodes: NodeMap): Record<Role, ProviderTraffic> {
  return {
    legacy: aggregate(
      entries.filter((e) => e.provider === 'legacy'),
      nodes.legacy,
    ),
    target: aggregate(
      entries.filter((e) => e.provider === 'target'),
      nodes.target,
    ),
  };
}

function aggregate(entries: readonly LogEntry[], nodes: Map<string, string>): ProviderTraffic {
  const errorKinds: Record<ErrorKind, number> = { server: 0, rateLimited: 0, connect: 0, timeout: 0 };
  const perNode: Record<string, NodeCounts> = {};
  for (const e of entries) {
    if (e.error) errorKinds[e.error]++;
    e.tries.forEach((t, i) => {
      const id = nodes.get(t.address) ?? t.address;
      const n = (perNode[id] ??= { requests: 0, errors: 0, failovers: 0 });
      n.requests++;
      // An earlier try failed by definition (nginx moved on); the last one failed if the request did.
      const movedOn = i < e.tries.length - 1;
      if (movedOn) n.failovers++;
      if (movedOn || e.error) n.errors++;
    });
  }
  const totalMs = entries.map((e) => e.totalMs);
  const ttfbs = entries.flatMap((e) => (e.ttfbMs === undefined ? [] : [e.ttfbMs]));
  return {
    requests: entries.length,
    errors: entries.filter((e) => e.error).length,
    errorKinds,
    authFailures: entries.filter((e) => e.status === 401 || e.status === 403).length,
    totalMs,
    total: summarize(totalMs),
    ttfb: summarize(ttfbs),
    nodes: perNode,
  };
}

/**
 * host:port → node id for one provider: its baseUrl is the node named after the role, its
 * `nodes` by their ids. nginx logs the address it connected to, so a host name matches only
 * when written as the address (loopback, an IP); other addresses are shown as they are. With
 * `environment`, the include's hops (a provider with several nodes) map to their nodes too.
 */
export function nodeMap(role: Role, provider: Omit<HopProvider, 'apiKey'> & { apiKey?: string }, environment?: string): Map<string, string> {
  const map = environment === undefined ? new Map<string, string>() : hopAddresses(environment, role, { ...provider, apiKey: provider.apiKey ?? '' });
  for (const node of provider.nodes ?? []) map.set(hostPort(node.baseUrl), node.id);
  if (!map.has(hostPort(provider.baseUrl))) map.set(hostPort(provider.baseUrl), role);
  return map;
}

function hostPort(baseUrl: string): string {
  const u = new URL(baseUrl);
  // hostname keeps IPv6 brackets, as nginx logs them: [::1]:8001.
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}
