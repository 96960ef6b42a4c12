import { parse, values } from '../envfile/parse.js';
import type { PointsAt } from './manifest.js';

/** The URLs that identify each provider: its baseUrl and those of its nodes. */
export interface ProviderUrls {
  legacy: { baseUrl: string; nodes?: Array<{ baseUrl: string }> };
  target: { baseUrl: string; nodes?: Array<{ baseUrl: string }> };
}

// Keys an app uses for its API endpoint: OPENAI_BASE_URL, OPENAI_API_BASE, LLM_ENDPOINT, and
// LibreChat's OPENAI_REVERSE_PROXY (its rollback otherwise could not tell it had restored legacy).
const URL_KEY = /(URL|BASE|ENDPOINT|HOST|PROXY)/i;

/**
 * Which provider env values point at, by comparing their base-URL keys with the providers'
 * URLs. `unknown` when no key matches, or keys match both (mid-ramp, or a fallback URL).
 */
export function classifyEnvValues(values: Record<string, string | undefined>, providers: ProviderUrls): PointsAt {
  const legacy = urlsOf(providers.legacy);
  const target = urlsOf(providers.target);
  const roles = new Set<PointsAt>();
  for (const [key, value] of Object.entries(values)) {
    if (!value?.trim() || !URL_KEY.test(key)) continue;
    const urls = urlCandidates(value);
    if (urls.some((u) => legacy.has(u))) roles.add('legacy');
    if (urls.some((u) => target.has(u))) roles.add('target');
  }
  return roles.size === 1 ? [...roles][0]! : 'unknown';
}

function urlsOf(provider: ProviderUrls['legacy']): Set<string> {
  return new Set([provider.baseUrl, ...(provider.nodes ?? []).map((n) => n.baseUrl)].map(normalizeUrl));
}

/** `HTTPS://Api.OpenAI.com:443/v1/` and `https://api.openai.com/v1` are the same endpoint. */
export function normalizeUrl(value: string): string {
  const trimmed = value.trim();
  try {
    const u = new URL(trimmed);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return trimmed.replace(/\/+$/, '');
  }
}

/**
 * A bare host (big-AGI's OPENAI_API_HOST) is the https URL `init` takes it for; a URL without a
 * path belongs to an app that adds /v1 itself, so it names the provider whose base URL is it + /v1 too.
 */
export function urlCandidates(value: string): string[] {
  const url = normalizeUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim()) ? value : `https://${value.trim()}`);
  return /^[a-z][a-z0-9+.-]*:\/\/[^/]+$/i.test(url) ? [url, `${url}/v1`] : [url];
}

/** Which provider an env file's text points at. */
export function pointsAtOf(content: string, providers: ProviderUrls): PointsAt {
  return classifyEnvValues(values(parse(content)), providers);
}
