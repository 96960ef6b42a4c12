import type { ProviderConfig, ProviderRole } from '../config/schema.js';
import { bearerKey } from '../http/auth.js';
import { normalizeUrl, urlCandidates } from '../state/points-at.js';

// Which variables carry the app's base URL and key, and which provider a URL + key pair names.
// Pure: values in, names and roles out. Key values are compared here and never returned.

export type Providers = Record<ProviderRole, ProviderConfig>;

/** What one value names: a provider, the environment's gateway (a URL only), nothing known, or nothing at all. */
export type ValueRole = ProviderRole | 'gateway' | 'unknown' | 'unset';
/** What a URL + key pair names: both of one provider, one of each (mixed), the gateway, or something else. */
export type PairRole = ProviderRole | 'gateway' | 'mixed' | 'unknown';

/** Names of a base-URL variable and the key variable it goes with (either may be missing). */
export interface VariablePair {
  url?: string;
  key?: string;
}

/** `gateway`: the URLs the environment's `migrate gateway` answers on (gateway/app-urls.ts gatewayUrls). */
export function urlRole(value: string | undefined, providers: Providers, gateway: string[] = []): ValueRole {
  if (value === undefined || value.trim() === '') return 'unset';
  const candidates = urlCandidates(value);
  for (const role of ['target', 'legacy'] as const) if (providerUrls(providers[role]).some((u) => candidates.includes(u))) return role;
  if (gateway.some((g) => candidates.includes(normalizeUrl(g)))) return 'gateway';
  return 'unknown';
}

/**
 * The base URL an app calls with `value`, given the URLs it could name (a provider's, its nodes',
 * the gateway's): the one it matches, /v1 added where the app adds it; else the value as held.
 */
export function calledBaseUrl(value: string, known: string[]): string {
  const match = urlCandidates(value).find((c) => known.some((k) => normalizeUrl(k) === c));
  return match ?? value.trim().replace(/\/+$/, '');
}

export function keyRole(value: string | undefined, providers: Providers): ValueRole {
  if (value === undefined || bearerKey(value) === '') return 'unset';
  const key = bearerKey(value);
  for (const role of ['target', 'legacy'] as const) if (providerKeys(providers[role]).includes(key)) return role;
  return 'unknown';
}

/** legacy or target when URL and key agree; mixed when they name different providers (the 401 that looked like success). */
export function pairRole(url: ValueRole, key: ValueRole): PairRole {
  // The gateway puts the provider's own key on every request: the app's key does not decide where it goes.
  if (url === 'gateway') return 'gateway';
  const known = (r: ValueRole): r is ProviderRole => r === 'legacy' || r === 'target';
  if (known(url) && known(key)) return url === key ? url : 'mixed';
  // A URL with no key variable at all (a keyless gateway) is judged by its URL alone.
  if (known(url) && key === 'unset') return url;
  return 'unknown';
}

function providerUrls(p: ProviderConfig): string[] {
  return [p.baseUrl, ...p.nodes.map((n) => n.baseUrl)].map(normalizeUrl);
}

function providerKeys(p: ProviderConfig): string[] {
  return [p.apiKey, ...p.nodes.flatMap((n) => (n.apiKey ? [n.apiKey] : []))].map(bearerKey).filter(Boolean);
}

/**
 * The variables to look at: those the cut-over map sets to a provider's URL or key, plus any the
 * app holds with a provider's URL or key as value (a cut-over that forgot the URL variable leaves
 * it on legacy: that is the very case to catch). Sorted, so output is stable.
 */
export function providerVariables(cutover: Record<string, string>, held: Record<string, string>, providers: Providers, gateway: string[] = []): { urls: string[]; keys: string[] } {
  const urls = new Set<string>();
  const keys = new Set<string>();
  for (const source of [cutover, held]) {
    for (const [name, value] of Object.entries(source)) {
      const url = urlRole(value, providers, gateway);
      if (isProvider(url) || url === 'gateway') urls.add(name);
      else if (isProvider(keyRole(value, providers))) keys.add(name);
    }
  }
  return { urls: [...urls].sort(), keys: [...keys].sort() };
}

function isProvider(r: ValueRole): boolean {
  return r === 'legacy' || r === 'target';
}

/**
 * Pair each URL variable with the key variable sharing the longest name prefix
 * (OPENAI_API_BASE_URL ↔ OPENAI_API_KEY, GENERIC_OPEN_AI_BASE_PATH ↔ GENERIC_OPEN_AI_API_KEY);
 * one URL and one key pair whatever their names. A key nobody pairs with is a pair of its own.
 */
export function pairVariables(urls: string[], keys: string[]): VariablePair[] {
  if (urls.length === 1 && keys.length === 1) return [{ url: urls[0], key: keys[0] }];
  const used = new Set<string>();
  const pairs: VariablePair[] = urls.map((url) => {
    const key = bestKey(
      url,
      keys.filter((k) => !used.has(k)),
    );
    if (key) used.add(key);
    return { url, key };
  });
  for (const key of keys) if (!used.has(key)) pairs.push({ key });
  return pairs;
}

function bestKey(url: string, keys: string[]): string | undefined {
  let best: string | undefined;
  let bestLength = 0;
  for (const key of keys) {
    const shared = sharedTokens(url, key);
    if (shared > bestLength) [best, bestLength] = [key, shared];
  }
  return best;
}

/** OPENAI_API_BASE_URL and OPENAI_API_KEY share 2 tokens (OPENAI, API). */
function sharedTokens(a: string, b: string): number {
  const x = a.toUpperCase().split(/[_.-]/);
  const y = b.toUpperCase().split(/[_.-]/);
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}
