// A real nginx (Debian package) for tests: foreground, own prefix dir and config, a free
// loopback port, with the generated include loaded in its http {} block.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import { nginxMainConfig } from '../../src/testing/nginx-conf.js';
import type { FakeProvider } from '../../src/testing/fake-provider.js';
import { stderrTail, stopChild } from './child.js';
import { freePort } from './ports.js';
import { waitUntil } from './wait.js';

export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

export interface NginxRig {
  port: number;
  url: string;
  prefix: string;
  /** Where the test (or the nginx driver) writes the include nginx loads. */
  includeFile: string;
  /** Arguments the driver must pass to `nginx -t` / `nginx -s reload` to address this instance. */
  args: string[];
  /** The master's pid: unchanged across reloads. */
  pid(): Promise<number>;
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

export interface NginxRigOptions {
  /** The include's first content (it must exist before nginx starts). */
  include: string;
  /** Server-block directives, e.g. the driver's `location` (renderLocation). */
  server: string;
  /** http-block directives outside the driver's include (it is rewritten), e.g. a log_format. */
  http?: string;
  /** Top-level directives, e.g. load_module. */
  main?: string;
}

export async function startNginx(opts: NginxRigOptions): Promise<NginxRig> {
  const prefix = await mkdtemp(path.join(os.tmpdir(), 'migrate-nginx-'));
  await mkdir(path.join(prefix, 'logs'));
  const port = await freePort();
  const includeFile = path.join(prefix, 'migrate.conf');
  const confFile = path.join(prefix, 'nginx.conf');
  await writeFile(includeFile, opts.include, { mode: 0o600 });
  await writeFile(confFile, nginxMainConfig(prefix, port, includeFile, opts.server, opts.http, opts.main));
  const errorLogFile = path.join(prefix, 'logs', 'error.log');
  const args = ['-p', prefix, '-e', errorLogFile, '-c', confFile];
  const child = spawn(NGINX_BIN, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = stderrTail(child);
  const rig: NginxRig = {
    port,
    url: `http://127.0.0.1:${port}`,
    prefix,
    includeFile,
    args,
    pid: async () => Number((await readFile(path.join(prefix, 'nginx.pid'), 'utf8')).trim()),
    errorLog: () => readFile(errorLogFile, 'utf8').catch(() => ''),
    stop: async () => {
      await stopChild(child, 'SIGQUIT'); // graceful: workers finish their requests
      await rm(prefix, { recursive: true, force: true });
    },
  };
  try {
    await waitUntil(`nginx to listen on 127.0.0.1:${port}`, () => canConnect(port), {
      timeoutMs: 10_000,
      everyMs: 50,
      dead: () => (child.exitCode !== null ? `nginx exited ${child.exitCode}: ${stderr()}` : undefined),
    });
  } catch (err) {
    await rig.stop();
    throw err;
  }
  return rig;
}

export interface GatewayRigOptions {
  legacy: Pick<FakeProvider, 'url' | 'apiKey'>;
  target: Pick<FakeProvider, 'url' | 'apiKey' | 'port'>;
  /** Percent to target; default 0. */
  weight?: number;
  /** Where nginx writes the gateway's JSON access log (gatewayLogFormat); none when unset. */
  logFile?: string;
  /** A port nothing listens on, put before target's node: nginx fails over to the live one within the request. */
  deadTargetPort?: number;
  /** Rewrites the rendered `location` (e.g. a shorter proxy_read_timeout). */
  location?: (location: string) => string;
}

/**
 * The gateway as `migrate gateway setup` runs it, on a host nginx: environment canary split
 * between the two providers by $request_id, and the JSON access log the gates and mtail read.
 */
export function startGateway(opts: GatewayRigOptions): Promise<NginxRig> {
  const providers = { legacy: { baseUrl: opts.legacy.url, apiKey: opts.legacy.apiKey }, target: { baseUrl: opts.target.url, apiKey: opts.target.apiKey } };
  let include = renderNginxInclude({ environment: 'canary', weight: opts.weight ?? 0, splitKey: '$request_id', providers });
  if (opts.deadTargetPort !== undefined) {
    const live = `upstream migrate_canary_target {\n    server 127.0.0.1:${opts.target.port};`;
    if (!include.includes(live)) throw new Error(`startGateway: the include has no upstream block for target's node 127.0.0.1:${opts.target.port}`);
    include = include.replace(live, `upstream migrate_canary_target {\n    server 127.0.0.1:${opts.deadTargetPort};\n    server 127.0.0.1:${opts.target.port};`);
  }
  const location = (opts.location ?? ((l: string) => l))(renderLocation('canary'));
  if (opts.logFile === undefined) return startNginx({ include, server: location });
  return startNginx({ include, http: gatewayLogFormat('canary'), server: `${location}\naccess_log ${opts.logFile} migrate_gateway;` });
}

/** Keep-alive connections of postThrough, as an app keeps them (destroy it when done). */
export const appAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * An app's POST through nginx, resolving with the status. A reload closes idle keep-alive
 * connections; a request racing that close on a reused socket gets ECONNRESET and is retried
 * once, as HTTP clients (the OpenAI SDK included) do.
 */
export function postThrough(url: string, body: string, retried = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: appAgent, headers: { authorization: 'Bearer app-key', 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && err.code === 'ECONNRESET' && req.reusedSocket) resolve(postThrough(url, body, true));
      else reject(err);
    });
    req.end(body);
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The gateway's access log contract (docs/traffic.md: "The real-traffic gate"): one JSON object a line,
 * every value a string. `migrate gateway setup` writes it; tests of the reader use this copy.
 */
export function gatewayLogFormat(environment = 'canary'): string {
  const v = `migrate_${environment}`;
  return `log_format migrate_gateway escape=json '{"time":"$time_iso8601","request_id":"$request_id","environment":"${environment}","provider":"$${v}_provider","upstream":"$upstream_addr","status":"$status","upstream_status":"$upstream_status","request_time":"$request_time","upstream_header_time":"$upstream_header_time","upstream_connect_time":"$upstream_connect_time","mirror":"0"}';`;
}
