import type { ProviderRole } from '../config/schema.js';
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
}

/** One URL + key pair a container holds. Printable: URLs and provider names, never a key. */
export interface PairFact {
  urlVariable?: string;
  keyVariable?: string;
  url?: string;
  urlRole: ValueRole;
  keyRole: ValueRole;
  role: PairRole;
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
export function judgeContainer(view: ContainerView, expected: Expectation, cutover: Record<string, string>, providers: Providers): ContainerFact {
  const { urls, keys } = providerVariables(cutover, view.values, providers);
  const pairs = pairVariables(urls, keys).map((p) => pairFact(view, p.url, p.key, providers));
  const fact: ContainerFact = { service: view.service, id: shortId(view.id), status: view.status, ok: true, pairs, mounts: view.mounts, problems: [] };
  for (const m of view.mounts) if (m.error) fact.problems.push(`cannot read ${m.destination} (bound from ${m.source}) inside the container: ${m.error}`);
  for (const p of pairs) if (expected.role && p.role !== expected.role) fact.problems.push(`${describePair(p)}; ${expected.step} meant ${expected.role}`);
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

function pairFact(view: ContainerView, urlVariable: string | undefined, keyVariable: string | undefined, providers: Providers): PairFact {
  const url = urlVariable === undefined ? undefined : view.values[urlVariable];
  const key = keyVariable === undefined ? undefined : view.values[keyVariable];
  const u = urlRole(url, providers);
  const k = keyRole(key, providers);
  const from = [...new Set([urlVariable, keyVariable].flatMap((v) => (v && view.from[v] ? [view.from[v]] : [])))];
  return { urlVariable, keyVariable, url, urlRole: u, keyRole: k, role: pairRole(u, k), from };
}

/** `OPENAI_BASE_URL → legacy, key of target (mixed)`: provider names only, never the key. */
export function describePair(p: PairFact): string {
  const url = p.urlVariable
    ? `${p.urlVariable} → ${p.urlRole === 'unknown' ? `${p.url} (neither provider)` : p.urlRole === 'unset' ? 'not set' : p.urlRole}`
    : 'no base-URL variable';
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

function fromMount(view: ContainerView, key: string): string {
  const from = view.from[key];
  return from && from !== 'env' ? ` (read from ${from})` : '';
}
