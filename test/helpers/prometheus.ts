// A real Prometheus (Debian package) for tests: own config, own TSDB in a temp dir, a free
// loopback port, scraping the given targets every second.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export interface PrometheusRig {
  url: string;
  port: number;
  /** Run an instant query directly (test assertions, waiting for data). */
  query(promql: string): Promise<unknown[]>;
  /** Resolve once the query returns at least one series. */
  waitFor(promql: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * targets: "127.0.0.1:PORT" of servers exposing /metrics, all under job "fake"; or by job name
 * ({ legacy: [...], target: [...] }) so queries can tell providers apart by `job`.
 */
export async function startPrometheus(targets: string[] | Record<string, string[]>): Promise<PrometheusRig> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'migrate-prom-'));
  const port = await freePort();
  const jobs = Array.isArray(targets) ? { fake: targets } : targets;
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 900ms',
    'scrape_configs:',
    ...Object.entries(jobs).flatMap(([job, list]) => [
      `  - job_name: ${JSON.stringify(job)}`,
      '    static_configs:',
      `      - targets: [${list.map((t) => JSON.stringify(t)).join(', ')}]`,
    ]),
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'prometheus.yml'), config);
  const child = spawn(PROMETHEUS_BIN, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const log = collect(child);
  const url = `http://127.0.0.1:${port}`;
  const rig: PrometheusRig = {
    url,
    port,
    query: (q) => query(url, q),
    waitFor: (q, timeoutMs = 15_000) => poll(async () => (await query(url, q)).length > 0, timeoutMs, `no series for ${q}`),
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await poll(async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true, 20_000, 'Prometheus not ready', () =>
      child.exitCode !== null ? `prometheus exited ${child.exitCode}: ${log()}` : undefined,
    );
  } catch (err) {
    await rig.stop();
    throw err;
  }
  return rig;
}

async function query(url: string, promql: string): Promise<unknown[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { data?: { result?: unknown[] } };
  return body.data?.result ?? [];
}

async function poll(ok: () => Promise<boolean>, timeoutMs: number, what: string, dead?: () => string | undefined): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await ok().catch(() => false))) {
    const why = dead?.();
    if (why) throw new Error(why);
    if (Date.now() > until) throw new Error(`${what} after ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (d: Buffer) => {
    text = (text + d.toString()).slice(-4000);
  });
  return () => text;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Prometheus cannot listen on port 0, so borrow a free one from the OS first. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
