import { promises as dns } from 'node:dns';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { proxySettings, usesProxy } from '../http/dispatcher.js';

export interface Reachability {
  ok: boolean;
  host: string;
  port: number;
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  /** Requests go through HTTP(S)_PROXY, so direct reachability is not measured. */
  viaProxy?: boolean;
  error?: string;
}

/** DNS, TCP and TLS to the base URL's host, measured apart from any HTTP request. */
export async function probeReachability(baseUrl: string, env: NodeJS.ProcessEnv, timeoutMs = 5000): Promise<Reachability> {
  const url = new URL(baseUrl);
  const https = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (https ? 443 : 80));
  // The same rule the probing client routes by, so reach never measures a path requests do not take.
  if (usesProxy(proxySettings(env), url)) return { ok: true, host, port, viaProxy: true };
  const started = performance.now();
  let address: string;
  try {
    address = net.isIP(host) ? host : (await withTimeout(dns.lookup(host), timeoutMs, 'DNS lookup')).address;
  } catch (err) {
    return { ok: false, host, port, error: `cannot resolve ${host}: ${errorText(err)}` };
  }
  const dnsMs = performance.now() - started;
  try {
    const { connectMs, tlsMs } = await connect(address, port, https ? host : undefined, timeoutMs);
    return { ok: true, host, port, dnsMs, connectMs, tlsMs };
  } catch (err) {
    return { ok: false, host, port, dnsMs, error: `cannot connect to ${host}:${port}: ${errorText(err)}` };
  }
}

function connect(address: string, port: number, servername: string | undefined, timeoutMs: number) {
  return new Promise<{ connectMs: number; tlsMs?: number }>((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect({ host: address, port });
    const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs}ms`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      const connectMs = performance.now() - started;
      if (!servername) {
        clearTimeout(timer);
        socket.end();
        return resolve({ connectMs });
      }
      const secure = tls.connect({ socket, servername, ALPNProtocols: ['http/1.1'] });
      secure.once('error', fail);
      secure.once('secureConnect', () => {
        clearTimeout(timer);
        secure.end();
        resolve({ connectMs, tlsMs: performance.now() - started - connectMs });
      });
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(err);
}
