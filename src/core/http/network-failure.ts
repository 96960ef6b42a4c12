// Network-level errors (no usable HTTP response) as Failures.
import { oneLine } from './scrub.js';
import type { Failure } from './types.js';

export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'total';

export function timeoutFailure(phase: TimeoutPhase, ms: number): Failure {
  const what = {
    connect: 'connecting',
    headers: 'waiting for response headers',
    body: 'waiting for the next body chunk',
    total: 'for the whole request including retries',
  }[phase];
  return {
    kind: 'timeout',
    code: `${phase}_timeout`,
    message: `${phase} timeout: no progress after ${Math.round(ms)} ms ${what}`,
    hint: phase === 'connect' ? 'check the host, port, firewall and proxy settings (HTTPS_PROXY, NO_PROXY)' : undefined,
  };
}

export function networkFailure(err: unknown, url: string, connectMs: number, proxied = false): Failure {
  const code = errorCode(err);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return timeoutFailure('connect', connectMs);
  if (code === 'UND_ERR_INVALID_ARG') {
    // undici refused to send it: almost always a header value with a line break (a key pasted with a newline).
    return {
      kind: 'client',
      code,
      message: oneLine(`the request could not be sent: ${messageOf(err)}`),
      hint: 'check the API key and extra headers for line breaks or stray quotes',
    };
  }
  const peer = peerOf(err) ?? hostOf(url);
  const known = KNOWN[code ?? ''];
  const message = known ? `${known[0]} (${peer})` : `network error talking to ${peer}: ${messageOf(err)}`;
  const failure: Failure = { kind: 'network', message: oneLine(message) };
  if (code) failure.code = code;
  const hint = proxied ? PROXY_HINT : known?.[1];
  if (hint) failure.hint = hint;
  return failure;
}

const PROXY_HINT = 'a proxy is configured: check HTTPS_PROXY/HTTP_PROXY, and NO_PROXY for hosts that must be reached directly';

/** Node's system errors name the address they failed on: the proxy's, when one is in the way. */
function peerOf(err: unknown): string | undefined {
  const { address, port } = (err ?? {}) as { address?: unknown; port?: unknown };
  if (typeof address !== 'string') return undefined;
  const host = address.includes(':') ? `[${address}]` : address;
  return typeof port === 'number' ? `${host}:${port}` : host;
}

const TLS_HINT = 'the TLS certificate was rejected: check the host name in baseUrl, or set NODE_EXTRA_CA_CERTS for a private CA';

const KNOWN: Record<string, [string, string?]> = {
  ECONNREFUSED: ['connection refused', 'nothing listens there: check the host and port in baseUrl'],
  ECONNRESET: ['connection reset by the server'],
  UND_ERR_SOCKET: ['the server closed the connection before the response completed'],
  EPIPE: ['the server closed the connection while the request was sent'],
  ENOTFOUND: ['DNS lookup failed: no such host', 'check the host name in baseUrl'],
  EAI_AGAIN: ['DNS lookup failed temporarily'],
  EHOSTUNREACH: ['host unreachable'],
  ENETUNREACH: ['network unreachable'],
  ETIMEDOUT: ['the connection timed out'],
  CERT_HAS_EXPIRED: ['the TLS certificate has expired', TLS_HINT],
  DEPTH_ZERO_SELF_SIGNED_CERT: ['the TLS certificate is self-signed', TLS_HINT],
  SELF_SIGNED_CERT_IN_CHAIN: ['the TLS certificate chain is self-signed', TLS_HINT],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ['the TLS certificate could not be verified', TLS_HINT],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ['the TLS certificate issuer is unknown', TLS_HINT],
  ERR_TLS_CERT_ALTNAME_INVALID: ['the TLS certificate does not match the host name', TLS_HINT],
};

function errorCode(err: unknown): string | undefined {
  // undici wraps socket errors (UND_ERR_SOCKET); the cause, when there is one, carries the system code.
  let fallback: string | undefined;
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (code !== 'UND_ERR_SOCKET') return code;
    fallback = code;
  }
  return fallback;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the server';
  }
}
