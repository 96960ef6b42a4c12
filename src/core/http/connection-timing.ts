// DNS, TCP and TLS timings of new connections, attributed to the request that used the connection first.
// undici does not tell a request which socket carried it, so: our connector stamps each new socket with its
// timings, and the `undici:client:sendHeaders` diagnostics event (published synchronously right after the
// request's onRequestStart, on the socket it is written to) hands them to the request that is waiting.
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildConnector } from 'undici';

export interface ConnectionTimings {
  dnsMs: number;
  connectMs: number;
  tlsMs?: number;
}

const stamped = new WeakMap<object, ConnectionTimings>();
let waiting: ((timings: ConnectionTimings) => void) | undefined;
let subscribed = false;

/** A connector that measures each new connection's phases and stamps them on the socket. */
export function timedConnector(options: buildConnector.BuildOptions): buildConnector.connector {
  const connect = buildConnector(options);
  return (opts, callback) => {
    const start = performance.now();
    let looked: number | undefined;
    let connected: number | undefined;
    const socket = (connect as unknown as (o: typeof opts, cb: typeof callback) => Socket)(opts, (err, sock) => {
      if (sock) {
        const end = performance.now();
        const tcpEnd = connected ?? end;
        const tcpStart = looked ?? start;
        stamped.set(sock, {
          dnsMs: tcpStart - start,
          connectMs: tcpEnd - tcpStart,
          ...(opts.protocol === 'https:' ? { tlsMs: end - tcpEnd } : {}),
        });
      }
      (callback as (e: Error | null, s: unknown) => void)(err, sock);
    });
    // 'lookup' only fires for host names (an IP literal needs no DNS: dnsMs is 0).
    socket?.once?.('lookup', () => (looked = performance.now()));
    socket?.once?.('connect', () => (connected = performance.now()));
    return socket as unknown as void;
  };
}

/** Called from onRequestStart: the socket the request is written to next gets claimed for `onTimings`. */
export function claimNextSocket(onTimings: (timings: ConnectionTimings) => void): void {
  ensureSubscribed();
  waiting = onTimings;
}

function ensureSubscribed(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('undici:client:sendHeaders', (message) => {
    const claim = waiting;
    if (!claim) return;
    waiting = undefined;
    const socket = (message as { socket?: object }).socket;
    const timings = socket && stamped.get(socket);
    if (!timings) return; // a reused keep-alive connection (or a proxy tunnel): no connection phases
    stamped.delete(socket);
    claim(timings);
  });
}
