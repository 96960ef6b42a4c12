// The one undici dispatcher a ProbeClient shares: a keep-alive pool per origin, behind the
// user's proxy when HTTP(S)_PROXY is set (many teams reach providers only through one).
import './wasm-tiering.js';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { timedConnector } from './connection-timing.js';

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** Reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY, lower case first as curl does. */
export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const pick = (name: string) => nonEmpty(env[name.toLowerCase()]) ?? nonEmpty(env[name]);
  return { httpProxy: pick('HTTP_PROXY'), httpsProxy: pick('HTTPS_PROXY'), noProxy: pick('NO_PROXY') };
}

/** `ca`: extra trusted certificates (PEM), for relays behind a private CA. */
export function createDispatcher(proxy: ProxySettings, connectMs: number, ca?: string): Dispatcher {
  const tls = ca === undefined ? {} : { ca };
  const agentOptions = {
    connect: timedConnector({ timeout: connectMs, ...tls }),
    requestTls: tls, // the TLS inside a proxy tunnel
    // Our own timers enforce headers/body timeouts per request (they vary per request); undici's stay off.
    headersTimeout: 0,
    bodyTimeout: 0,
  };
  if (!proxy.httpProxy && !proxy.httpsProxy) return new Agent(agentOptions);
  // Empty strings, not undefined: undici would otherwise fall back to process.env, not the env we were given.
  return new EnvHttpProxyAgent({
    ...agentOptions,
    httpProxy: proxy.httpProxy ?? '',
    httpsProxy: proxy.httpsProxy ?? '',
    noProxy: proxy.noProxy ?? '',
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Whether a request to `url` goes through the proxy (undici's rule: https falls back to HTTP_PROXY), NO_PROXY applied. */
export function usesProxy(settings: ProxySettings, url: URL): boolean {
  const proxy = url.protocol === 'https:' ? (settings.httpsProxy ?? settings.httpProxy) : settings.httpProxy;
  if (!proxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const bypass = (settings.noProxy ?? '').split(/[,\s]+/).filter(Boolean);
  return !bypass.some((entry) => {
    if (entry === '*') return true;
    const name = entry
      .replace(/:\d+$/, '')
      .replace(/^\*?\./, '')
      .toLowerCase();
    return host === name || host.endsWith(`.${name}`);
  });
}
