import { UsageError } from '../../errors.js';
import { bearerKey } from '../http/auth.js';
import { redactSecret } from '../redact.js';

// Values the nginx include writes: a base URL taken apart the way nginx wants it, and header
// values checked for what nginx cannot carry. Shared by the split (nginx-render) and the hops.

export interface Upstream {
  scheme: 'http' | 'https';
  /** host:port for an upstream's `server`. */
  server: string;
  /** The Host header: the port only when the URL names one. */
  host: string;
  /** TLS name (SNI) and certificate name. */
  serverName: string;
  /** The base path without a trailing slash, e.g. `/v1`. */
  path: string;
}

export function upstream(baseUrl: string): Upstream {
  const u = new URL(baseUrl);
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  const port = u.port || (scheme === 'https' ? '443' : '80');
  const hostname = u.hostname; // IPv6 keeps its brackets, as nginx wants in `server`
  return {
    scheme,
    server: `${hostname}:${port}`,
    host: u.port ? `${hostname}:${u.port}` : hostname,
    serverName: hostname.replace(/^\[|\]$/g, ''),
    path: u.pathname.replace(/\/+$/, ''),
  };
}

/** `Bearer <key>`, the key redacted for printing. `field` names the setting in the error. */
export function bearer(apiKey: string, field: string, redact?: boolean): string {
  const key = bearerKey(apiKey);
  assertCarried(key, field);
  return `Bearer ${redact ? redactSecret(key) : key}`;
}

/** nginx reads `$name` inside any string as a variable and has no escape for it (nor for `"`, `\` or line breaks). */
export function assertCarried(value: string, field: string): void {
  if (/[$"\\\r\n]/.test(value)) {
    throw new UsageError(`${field} holds a character nginx cannot carry in a header value ($, ", \\ or a line break)`, {
      hint: 'use the env or command traffic driver for this provider',
    });
  }
}

export function quote(value: string): string {
  return `"${value}"`;
}
