import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The Docker Engine API on its unix socket: a container list or inspect answers in a few ms,
 * where `docker-compose ps` spends most of a second starting Python. node:http speaks HTTP over
 * a unix socket and costs nothing to load (undici would add its load time to every rollback).
 */

/** Errors that mean "no daemon on that socket for us": the docker CLI is tried instead. */
const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM', 'ENOTSOCK', 'ENOTDIR']);

export class EngineUnreachableError extends Error {}

/**
 * The socket the docker CLI would talk to, or undefined when only the CLI knows (a tcp:// or
 * ssh:// DOCKER_HOST needs its TLS or ssh set-up; a docker context names its own endpoint).
 */
export function engineSocket(env: NodeJS.ProcessEnv): string | undefined {
  const host = env.DOCKER_HOST;
  if (host) return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') return undefined;
  if (currentContext(env) !== 'default') return undefined;
  return '/var/run/docker.sock';
}

function currentContext(env: NodeJS.ProcessEnv): string {
  const dir = env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  try {
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' && config.currentContext ? config.currentContext : 'default';
  } catch {
    return 'default';
  }
}

// Asked once per process: a missing socket stays missing for the few seconds a rollback takes.
const unreachable = new Set<string>();

/** GET a path of the Engine API; `undefined` for 404 (a container gone). Throws EngineUnreachableError when nobody answers. */
export async function engineGet<T>(socket: string, urlPath: string, timeoutMs = 15_000): Promise<T | undefined> {
  if (unreachable.has(socket)) throw new EngineUnreachableError(`${socket} is not reachable`);
  try {
    const { status, body } = await get(socket, urlPath, timeoutMs);
    if (status === 404) return undefined;
    if (status !== 200) throw new Error(`docker engine: GET ${urlPath} answered ${status}: ${messageOf(body)}`);
    return JSON.parse(body) as T;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code && UNREACHABLE.has(code)) {
      unreachable.add(socket);
      throw new EngineUnreachableError(`${socket}: ${code}`);
    }
    throw err;
  }
}

function get(socket: string, urlPath: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // Fetched here, not imported: on Node 24 an ESM import of node:http loads Node's internal undici,
    // TLS and HTTP/2 too (its lazy exports are resolved for the import), and a dry run never calls this.
    const { request } = process.getBuiltinModule('node:http');
    // agent: false: one connection per call, none left open to keep the process alive.
    const req = request({ socketPath: socket, path: urlPath, method: 'GET', agent: false, headers: { host: 'docker' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`docker engine: GET ${urlPath} timed out after ${Math.round(timeoutMs / 1000)}s`)));
    req.on('error', reject);
    req.end();
  });
}

function messageOf(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    // A message that is no string (an object) would print as [object Object]: show the body instead.
    return (typeof message === 'string' || typeof message === 'number' ? String(message) : body).trim();
  } catch {
    return body.trim();
  }
}
