import type { ProviderRole } from '../config/schema.js';
import { urlSecrets } from '../config/secrets.js';
import { redactText } from '../redact.js';
import type { ProbeStep } from '../rollback/verify.js';
import { keyRole, pairRole, pairVariables, providerVariables, urlRole, type PairRole, type Providers, type ValueRole } from './pairs.js';
import type { ContainerView } from './read.js';

/**
 * What a step meant the app to hold: a provider's pair, and under the env driver the weight as
 * written, except in the `blind` services, whose containers compose never hands the weight.
 */
export interface Expectation {
  /** Undefined: only say what the containers hold (status, check), judge no step. */
  role?: ProviderRole;
  weight?: { key: string; value: string; blind?: string[] };
  /** The step in words: `stage 20%`, `the cut-over`, `the rollback`. */
  step: string;
  /** Behind `migrate gateway`: every URL the app holds must be the gateway's; routesTo, where its split sends every request (0 % or 100 %). */
  gateway?: { routesTo?: ProviderRole };
}

/** Behind `migrate gateway`: the URLs it answers on, and the provider its loaded split sends every request to (0 % or 100 %). */
export interface GatewayView {
  urls: string[];
  routesTo?: ProviderRole;
}

/** One URL + key pair a container holds. Printable: URLs and provider names, never a key. */
export interface PairFact {
  urlVariable?: string;
  keyVariable?: string;
  url?: string;
  urlRole: ValueRole;
  keyRole: ValueRole;
  role: PairRole;
  /** A gateway pair: the provider the gateway sends it to, when its split names one. */
  routesTo?: ProviderRole;
  /** Where the values came from: `env`, or the path of a mounted env file inside the container. */
  from: string[];
  /** The probe of exactly this pair (shared by every container holding it). */
  probe?: { ok: boolean; models: ProbeStep; chat: ProbeStep; durationMs: number };
}

/** What one container holds, judged against the step. */
export interface ContainerFact {
  service: string;
  /** The short id docker prints (12 characters). */
  id: string;
  status: string;
  ok: boolean;
  pairs: PairFact[];
  /** `blind`: compose passes the service only the variables it names, so the weight is not judged there. */
  weight?: { key: string; value?: string; expected: string; blind?: boolean };
  mounts: ContainerView['mounts'];
  problems: string[];
}

export const shortId = (id: string) => id.slice(0, 12);

/** The container's pairs and weight against the expectation; probes are added later. Pure. */
export function judgeContainer(view: ContainerView, expected: Expectation, cutover: Record<string, string>, providers: Providers, gateway?: GatewayView): ContainerFact {
  const { urls, keys } = providerVariables(cutover, view.values, providers, gateway?.urls);
  const pairs = pairVariables(urls, keys).map((p) => pairFact(view, p.url, p.key, providers, gateway));
  const fact: ContainerFact = { service: view.service, id: shortId(view.id), status: view.status, ok: true, pairs, mounts: view.mounts, problems: [] };
  for (const m of view.mounts) if (m.error) fact.problems.push(`cannot read ${m.destination} (bound from ${m.source}) inside the container: ${m.error}`);
  for (const p of pairs) {
    if (expected.gateway && p.urlVariable && p.role !== 'gateway') fact.problems.push(`${describePair(p)}; ${expected.step} meant the gateway`);
    else if (expected.role && effectiveRole(p) !== expected.role) fact.problems.push(`${describePair(p)}; ${expected.step} meant ${expected.role}`);
  }
  if (expected.weight?.blind?.includes(view.service)) {
    fact.weight = { key: expected.weight.key, value: view.values[expected.weight.key], expected: expected.weight.value, blind: true };
  } else if (expected.weight) {
    const value = view.values[expected.weight.key];
    fact.weight = { key: expected.weight.key, value, expected: expected.weight.value };
    if (value === undefined || Number(value) !== Number(expected.weight.value)) {
      fact.problems.push(
        `${expected.weight.key} is ${value === undefined ? 'not set' : value}${fromMount(view, expected.weight.key)}; ${expected.step} wrote ${expected.weight.value}`,
      );
    }
  }
  fact.ok = fact.problems.length === 0;
  return fact;
}

/** Where the pair's requests go: its provider, or for a gateway pair the provider the gateway sends them to. */
export function effectiveRole(p: PairFact): PairRole | undefined {
  return p.role === 'gateway' ? p.routesTo : p.role;
}

function pairFact(view: ContainerView, urlVariable: string | undefined, keyVariable: string | undefined, providers: Providers, gateway?: GatewayView): PairFact {
  const url = urlVariable === undefined ? undefined : view.values[urlVariable];
  const key = keyVariable === undefined ? undefined : view.values[keyVariable];
  const u = urlRole(url, providers, gateway?.urls);
  const k = keyRole(key, providers);
  const from = [...new Set([urlVariable, keyVariable].flatMap((v) => (v && view.from[v] ? [view.from[v]] : [])))];
  const role = pairRole(u, k);
  // A URL that is neither provider's is shown as it is held but for its credentials, which no
  // config names (a provider's own are redacted as its secrets).
  const shown = u === 'unknown' && url !== undefined ? redactText(url, urlSecrets(url)) : url;
  return { urlVariable, keyVariable, url: shown, urlRole: u, keyRole: k, role, ...(role === 'gateway' && gateway?.routesTo ? { routesTo: gateway.routesTo } : {}), from };
}

/** `OPENAI_BASE_URL → legacy, key of target (mixed)`: provider names only, never the key. */
export function describePair(p: PairFact): string {
  const url = p.urlVariable ? `${p.urlVariable} → ${urlText(p)}` : 'no base-URL variable';
  const key = p.keyVariable
    ? p.keyRole === 'unset'
      ? `${p.keyVariable} not set`
      : p.keyRole === 'unknown'
        ? `${p.keyVariable} holds neither provider's key`
        : `key of ${p.keyRole}`
    : 'no key variable';
  const mixed = p.role === 'mixed' ? ' (mixed)' : '';
  const via = p.from.filter((f) => f !== 'env');
  return `${url}, ${key}${mixed}${via.length ? ` (read from ${via.join(', ')})` : ''}`;
}

function urlText(p: PairFact): string {
  if (p.urlRole === 'unknown') return `${p.url} (neither provider)`;
  if (p.urlRole === 'unset') return 'not set';
  if (p.urlRole === 'gateway') return `the gateway (${p.url})${p.routesTo ? `, which sends it to ${p.routesTo}` : ''}`;
  return p.urlRole;
}

function fromMount(view: ContainerView, key: string): string {
  const from = view.from[key];
  return from && from !== 'env' ? ` (read from ${from})` : '';
}
