import { createHash } from 'node:crypto';
import type { NodeConfig, ProviderConfig, ProviderRole } from '../config/schema.js';
import { bearerKey } from '../http/auth.js';
import { isSecretHeader, redactSecret } from '../redact.js';
import { assertCarried, bearer, quote, upstream } from './nginx-values.js';

// Node failover across hosts. One nginx upstream block has one Host, TLS name and key, so nodes
// on other hosts (or with another path, key or headers) cannot simply be its servers. Each node
// gets a hop instead: a small server {} on its own loopback address that sets that node's Host,
// SNI, key and headers and proxies to it. The provider's upstream lists the hops, so nginx's
// failover (proxy_next_upstream) and passive health (max_fails) work across them unchanged,
// and the access log's $upstream_addr names the hop, that is the node (hopAddresses).

export type HopProvider = Pick<ProviderConfig, 'baseUrl' | 'apiKey'> & Partial<Pick<ProviderConfig, 'headers' | 'nodes'>>;

export interface Hop {
  /** The node id; the role's name ("target") for the provider's own baseUrl. */
  id: string;
  /** Where the hop listens: an address of 127.0.0.0/8 and a port, derived from environment, role and id. */
  listen: string;
  baseUrl: string;
  apiKey: string;
  /** The provider's headers, then the node's. */
  headers: Record<string, string>;
  /** The setting that holds this node, for errors: `providers.target.nodes[1]`. */
  field: string;
}

/** A node that fails this often within FAIL_TIMEOUT is skipped for FAIL_TIMEOUT (nginx's passive health check). */
export const MAX_FAILS = 2;
export const FAIL_TIMEOUT = '10s';

/**
 * The provider's distinct endpoints as hops, in config order (its baseUrl, then its nodes; the
 * baseUrl is left out when a node is the same place). Empty when there is only one endpoint:
 * then the provider needs no failover and is proxied to directly, without the hop's cost.
 */
export function providerHops(environment: string, role: ProviderRole, provider: HopProvider): Hop[] {
  const nodes = (provider.nodes ?? []).map((node, i) => nodeHop(environment, role, provider, node, i));
  const main: Hop = { id: role, listen: '', baseUrl: provider.baseUrl, apiKey: provider.apiKey, headers: { ...provider.headers }, field: `providers.${role}` };
  const all = nodes.some((n) => samePlace(n, main)) ? nodes : [{ ...main, listen: hopAddress(environment, role, role) }, ...nodes];
  const distinct = all.filter((h, i) => all.findIndex((o) => samePlace(o, h)) === i);
  if (distinct.length < 2) return [];
  return spread(distinct);
}

/** The hops in `order` (node ids, fastest first); ids it does not name keep their config order, after it. */
export function orderHops(hops: Hop[], order: readonly string[] = []): Hop[] {
  const rank = (h: Hop) => {
    const i = order.indexOf(h.id);
    return i === -1 ? order.length : i;
  };
  return hops
    .map((h, i) => ({ h, i }))
    .sort((a, b) => rank(a.h) - rank(b.h) || a.i - b.i)
    .map(({ h }) => h);
}

/** hop address → node id, for reading the access log's $upstream_addr. */
export function hopAddresses(environment: string, role: ProviderRole, provider: HopProvider): Map<string, string> {
  return new Map(providerHops(environment, role, provider).map((h) => [h.listen, h.id]));
}

/**
 * The provider's upstream of hops, then each hop. The first hop is the primary and takes every
 * request; the others are `backup`, used only when the primary failed (within the request) or is
 * skipped after MAX_FAILS. Backup rather than weights: weights would send a share of requests
 * to slower nodes all the time, and the point of the order is that users get the fastest node.
 * nginx spreads requests over the backups evenly when it needs them (it has no backup order).
 */
export function renderHops(v: string, role: ProviderRole, hops: Hop[], redact?: boolean): string[] {
  const health = ` max_fails=${MAX_FAILS} fail_timeout=${FAIL_TIMEOUT}`;
  return [
    `# ${role}'s nodes, each through its hop below; the first is the primary (fastest first when measured), the others back it up.`,
    `upstream ${v}_${role} {`,
    ...hops.map((h, i) => `    server ${h.listen}${health}${i === 0 ? '' : ' backup'};  # ${safe(h.id)}`),
    '    keepalive 16;',
    '}',
    '',
    ...hops.flatMap((h, i) => renderHop(`${v}_${role}_node${i}`, h, redact)),
  ];
}

/**
 * `$<v>_node`: the node that answered, for the access log's `node` field (a person reading the
 * log sees "east", not a hop address). Evaluated when the line is logged, after the last try:
 * the last address in $upstream_addr ("a, b" after a failover) names it. Empty without hops.
 */
export function renderNodeLogMap(v: string, hops: Hop[]): string[] {
  return [`map $upstream_addr $${v}_node {`, ...hops.map((h) => `    "~(^|\\s)${h.listen.replace(/\./g, '\\.')}$" ${safe(h.id)};`), '    default "";', '}', ''];
}

function renderHop(name: string, hop: Hop, redact?: boolean): string[] {
  const up = upstream(hop.baseUrl);
  const headers = Object.entries(hop.headers).filter(([n]) => !/^(host|authorization)$/i.test(n));
  for (const [n, value] of headers) assertCarried(value, `${hop.field}.headers.${n}`);
  const tls =
    up.scheme === 'https'
      ? [
          '        proxy_ssl_server_name on;',
          `        proxy_ssl_name ${up.serverName};`,
          '        proxy_ssl_verify on;          # the key must only go to the real node',
          '        proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;  # RHEL: /etc/pki/tls/certs/ca-bundle.crt',
        ]
      : [];
  return [
    `# Hop to node "${safe(hop.id)}" (${up.scheme}://${up.host}${up.path}): its Host, TLS name and key.`,
    `upstream ${name} {`,
    `    server ${up.server};`,
    '    keepalive 16;',
    '}',
    'server {',
    `    listen ${hop.listen};      # loopback only: it adds the key to whatever reaches it`,
    '    access_log off;           # the front location logs the request, naming this hop',
    '    client_max_body_size 0;   # the front server already applied its limit',
    '    location / {',
    // The front location sends the path after /v1 (with the query): the node's own base path goes first.
    `        proxy_pass ${up.scheme}://${name}${up.path}$request_uri;`,
    `        proxy_set_header Host ${up.host};`,
    `        proxy_set_header Authorization ${quote(bearer(hop.apiKey, `${hop.field}.apiKey`, redact))};`,
    ...headers.map(([n, value]) => `        proxy_set_header ${n} ${quote(redact && isSecretHeader(n) ? redactSecret(value) : value)};`),
    '        proxy_http_version 1.1;',
    '        proxy_set_header Connection "";',
    ...tls,
    '        proxy_buffering off;          # stream tokens as they arrive',
    '        proxy_connect_timeout 10s;    # a node that takes longer to accept is down: the next one gets the request',
    // Longer than the front location's: its timeout decides, so the log shows a timeout as one.
    '        proxy_read_timeout 3600s;',
    '        proxy_send_timeout 3600s;',
    // The node did not answer (refused, reset, connect timeout): close without a response, so the
    // front location sees a connect error, tries the next node and counts this one's failure.
    '        error_page 502 504 = @no_answer;',
    '    }',
    '    location @no_answer {',
    '        return 444;',
    '    }',
    '}',
    '',
  ];
}

function nodeHop(environment: string, role: ProviderRole, provider: HopProvider, node: NodeConfig, i: number): Hop {
  return {
    id: node.id,
    listen: hopAddress(environment, role, node.id),
    baseUrl: node.baseUrl,
    apiKey: node.apiKey ?? provider.apiKey,
    headers: { ...provider.headers, ...node.headers },
    field: `providers.${role}.nodes[${i}]`,
  };
}

function samePlace(a: Hop, b: Hop): boolean {
  const ua = upstream(a.baseUrl);
  const ub = upstream(b.baseUrl);
  return (
    ua.scheme === ub.scheme &&
    ua.server === ub.server &&
    ua.host === ub.host &&
    ua.path === ub.path &&
    bearerKey(a.apiKey) === bearerKey(b.apiKey) &&
    sameHeaders(a.headers, b.headers)
  );
}

function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
  const norm = (h: Record<string, string>) =>
    JSON.stringify(
      Object.entries(h)
        .map(([n, v]) => [n.toLowerCase(), v])
        .sort(),
    );
  return norm(a) === norm(b);
}

/**
 * A stable loopback address for a hop: the same node gets the same address at every stage, so a
 * reload keeps its listening socket. Linux routes all of 127.0.0.0/8 to the loopback device; the
 * address and port come from a hash, away from 127.0.0.x (where local services usually listen) and
 * below the ephemeral port range.
 */
export function hopAddress(environment: string, role: ProviderRole, id: string, salt = 0): string {
  const h = createHash('sha256').update(`${environment}\0${role}\0${id}\0${salt}`).digest();
  return `127.${1 + (h[0]! % 254)}.${h[1]}.${1 + (h[2]! % 254)}:${20_000 + (h.readUInt16BE(3) % 10_000)}`;
}

/** Two hops on one address (a hash collision) would make nginx refuse the config: move the later one. */
function spread(hops: Hop[]): Hop[] {
  const taken = new Set<string>();
  return hops.map((h) => {
    let listen = h.listen;
    for (let salt = 1; taken.has(listen); salt++) listen = hopAddress(h.field, 'target', h.id, salt);
    taken.add(listen);
    return { ...h, listen };
  });
}

/** Node ids go into comments: nothing that could end one. */
function safe(id: string): string {
  return id.replace(/[^\w.:@-]/g, '_');
}
