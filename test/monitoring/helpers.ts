// A project whose monitoring files `migrate monitoring` wrote, for the tests that run the real
// engines (promtool, mtail, blackbox_exporter) over them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, tempProject } from '../helpers/cli.js';

export const KEYS = { legacy: 'sk-leg-7Qz9xK2mVb4Rt8Lp', target: 'sk-tgt-3Nw6yH1cJd5Fs0Ga' };

export interface Urls {
  legacy: string;
  target: string;
  /** Extra target nodes: id -> base URL. */
  nodes?: Record<string, string>;
}

export function monitoringConfig(urls: Urls, gates = '{ maxErrorRate: 0.05, maxP95Ms: 2000, maxP95Ratio: 1.5, p95RatioFloorMs: 100 }'): string {
  const nodes = Object.entries(urls.nodes ?? {}).map(([id, url]) => `      - { id: ${id}, baseUrl: ${url} }`);
  return [
    'version: 1',
    'providers:',
    '  legacy:',
    `    baseUrl: ${urls.legacy}`,
    '    apiKey: ${LEGACY_KEY}',
    '  target:',
    `    baseUrl: ${urls.target}`,
    '    apiKey: ${TARGET_KEY}',
    ...(nodes.length ? ['    nodes:', ...nodes] : []),
    'models: [gpt-4.1]',
    'environments:',
    '  canary:',
    '    envFiles: [.env]',
    '    traffic: { driver: nginx, file: llm-split.conf, accessLog: logs/access.json }',
    'ramp:',
    `  gates: ${gates}`,
    '',
  ].join('\n');
}

export const keyEnv = { LEGACY_KEY: KEYS.legacy, TARGET_KEY: KEYS.target };

export function runMigrate(cwd: string, args: string[]) {
  return runCli(args, { cwd, env: { ...keyEnv, CI: '1' } });
}

/** A temp project with the monitoring files written; returns the project and the output directory. */
/** `keepIn`: write into this directory (the caller removes it) rather than one removed after the test. */
export async function writtenMonitoring(urls: Urls, gates?: string, keepIn?: string): Promise<{ dir: string; out: string; read: (rel: string) => string }> {
  const files = { 'migrate.yaml': monitoringConfig(urls, gates), '.env': 'OPENAI_BASE_URL=x\n', 'logs/access.json': '' };
  const dir = keepIn ?? tempProject('migrate-monitoring-', files);
  if (keepIn)
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
  const res = await runMigrate(dir, ['monitoring', '--env', 'canary']);
  if (res.exitCode !== 0) throw new Error(`migrate monitoring exited ${res.exitCode}: ${res.stderr}`);
  const out = path.join(dir, 'monitoring', 'canary');
  return { dir, out, read: (rel) => readFileSync(path.join(out, rel), 'utf8') };
}
