// A real Prometheus (Debian package) for tests: own config, own TSDB in a temp dir, a free
// loopback port, scraping the given targets every second.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stderrTail, stopChild } from './child.js';
import { freePort } from './ports.js';
import { waitUntil } from './wait.js';

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
 * ({ legacy: [...], target: [...] }) so queries can tell providers apart by `job`. `ruleFiles`:
 * recording and alert rules, evaluated every second. `config`: a whole prometheus.yml instead
 * (e.g. the one `migrate monitoring` wrote); `targets` and `ruleFiles` are then ignored.
 */
export async function startPrometheus(targets: string[] | Record<string, string[]>, opts: { ruleFiles?: string[]; config?: string } = {}): Promise<PrometheusRig> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'migrate-prom-'));
  const port = await freePort();
  const jobs = Array.isArray(targets) ? { fake: targets } : targets;
  const config =
    opts.config ??
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 900ms',
      '  evaluation_interval: 1s',
      ...(opts.ruleFiles?.length ? ['rule_files:', ...opts.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
      'scrape_configs:',
      ...Object.entries(jobs).flatMap(([job, list]) => [
        `  - job_name: ${JSON.stringify(job)}`,
        '    static_configs:',
        `      - targets: [${list.map((t) => JSON.stringify(t)).join(', ')}]`,
      ]),
      '',
    ].join('\n');
  await writeFile(path.join(dir, 'prometheus.yml'), config);
  const child = spawn(
    PROMETHEUS_BIN,
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const log = stderrTail(child);
  const url = `http://127.0.0.1:${port}`;
  const rig: PrometheusRig = {
    url,
    port,
    query: (q) => query(url, q),
    waitFor: (q, timeoutMs = 15_000) => waitUntil(`a series for ${q}`, async () => (await query(url, q)).length > 0, { timeoutMs }),
    stop: async () => {
      await stopChild(child, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntil('Prometheus to be ready', async () => (await fetch(`${url}/-/ready`)).ok, {
      timeoutMs: 20_000,
      dead: () => (child.exitCode !== null ? `prometheus exited ${child.exitCode}: ${log()}` : undefined),
    });
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
