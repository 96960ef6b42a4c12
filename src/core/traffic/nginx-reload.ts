import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Runner } from '../exec/command.js';

// `nginx -s reload` only signals the master and exits 0. The master then loads the configuration
// again; when that fails (a port it cannot bind, a file it cannot open: things `nginx -t` does not
// try) it logs an [emerg] line and keeps serving the old configuration with its old workers, and
// `nginx -T` still shows the new file. What proves a reload is a new generation of workers: on
// success the master starts new worker processes (new pids) and retires the old ones.

/** The master and its child processes (workers, cache manager) at one moment. */
export interface Generation {
  master: number;
  children: number[];
}

/** Where to look: a host nginx through its pid file, or the container nginx runs in (`docker top`). */
export type NginxProcess = { pidFile: string } | { container: string };

export async function generationOf(where: NginxProcess, run: Runner): Promise<Generation | undefined> {
  return 'container' in where ? containerGeneration(where.container, run) : hostGeneration(where.pidFile);
}

async function hostGeneration(pidFile: string): Promise<Generation | undefined> {
  const master = Number((await fs.readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(master) || master <= 0) return undefined;
  const children = await fs.readFile(`/proc/${master}/task/${master}/children`, 'utf8').catch(() => undefined);
  return children === undefined ? undefined : { master, children: children.split(/\s+/).filter(Boolean).map(Number) };
}

/** `docker top` lists the container's processes from the host: the image needs no ps. The master is the one whose parent is not listed. */
async function containerGeneration(container: string, run: Runner): Promise<Generation | undefined> {
  const result = await run({ argv: ['docker', 'top', container, '-o', 'pid,ppid'], kind: 'read', timeoutMs: 10_000 }).catch(() => undefined);
  if (result?.exitCode !== 0) return undefined;
  const rows = result.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const pids = new Set(rows.map(([pid]) => pid));
  const master = rows.find(([, ppid]) => !pids.has(ppid))?.[0];
  return master === undefined ? undefined : { master, children: rows.filter(([, ppid]) => ppid === master).map(([pid]) => pid) };
}

/** A child the master started after `before` was taken: the reload took. */
export function isNewGeneration(before: Generation, now: Generation | undefined): boolean {
  return now !== undefined && now.master === before.master && now.children.some((pid) => !before.children.includes(pid));
}

/** Polls until the master has started new workers; false when it has not within `timeoutMs` (the reload failed). */
export async function waitForNewGeneration(where: NginxProcess, before: Generation, run: Runner, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (isNewGeneration(before, await generationOf(where, run))) return true;
    if (Date.now() > until) return false;
    await sleep(25);
  }
}

/**
 * The pid file a host nginx uses: the `pid` directive of the configuration it loads (`nginx -T`),
 * else the compiled-in path (`nginx -V`); a relative one is under the prefix (`-p`, else compiled in).
 */
export function pidFileOf(dump: string, version: string, args: string[]): string | undefined {
  const configured = /^\s*pid\s+([^;\s]+)\s*;/m.exec(dump.replace(/#.*$/gm, ''))?.[1];
  const file = configured ?? /--pid-path=(\S+)/.exec(version)?.[1];
  if (!file) return undefined;
  const p = args.indexOf('-p');
  const prefix = p >= 0 ? args[p + 1] : /--prefix=(\S+)/.exec(version)?.[1];
  return path.isAbsolute(file) || !prefix ? file : path.join(prefix, file);
}

/**
 * The master's complaint about the reload, from what it logged since: the first [emerg], [alert]
 * or [crit] line (the cause; a refused bind() is retried and ends in "still could not bind()"),
 * without its time and pid.
 */
export function reloadComplaint(log: string): string | undefined {
  const line = log.split('\n').find((l) => /\[(emerg|alert|crit)\]/.test(l));
  return line?.replace(/^.*?(\[(emerg|alert|crit)\])\s*\d+#\d+:\s*/, '$1 ').trim();
}

/** The error log a host nginx writes: `-e`, else the main `error_log` directive, else the compiled-in path; undefined for stderr. */
export function errorLogOf(dump: string, version: string, args: string[]): string | undefined {
  const e = args.indexOf('-e');
  const file = (e >= 0 ? args[e + 1] : undefined) ?? /^error_log\s+([^;\s]+)/m.exec(dump.replace(/#.*$/gm, ''))?.[1] ?? /--error-log-path=(\S+)/.exec(version)?.[1];
  if (!file || file === 'stderr') return undefined;
  const p = args.indexOf('-p');
  const prefix = p >= 0 ? args[p + 1] : /--prefix=(\S+)/.exec(version)?.[1];
  return path.isAbsolute(file) || !prefix ? file : path.join(prefix, file);
}
