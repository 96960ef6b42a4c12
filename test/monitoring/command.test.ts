// `migrate monitoring` as a user runs it: the files, their modes, what is printed, refusals.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempProject } from '../helpers/cli.js';
import { KEYS, monitoringConfig, runMigrate } from './helpers.js';

const urls = { legacy: 'http://127.0.0.1:9/v1', target: 'http://127.0.0.1:10/v1', nodes: { east: 'http://127.0.0.1:11/v1' } };

function project(): string {
  return tempProject('migrate-monitoring-cmd-', { 'migrate.yaml': monitoringConfig(urls), '.env': 'A=1\n' });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('migrate monitoring', () => {
  it('writes every file; the keys only in 0600 key files, never in output or other files', async () => {
    const dir = project();
    const res = await runMigrate(dir, ['monitoring', '--env', 'canary']);
    expect(res.exitCode, res.stderr).toBe(0);
    const out = path.join(dir, 'monitoring', 'canary');
    expect(filesUnder(out)).toEqual([
      'blackbox/.gitignore',
      'blackbox/blackbox.yml',
      'blackbox/legacy.key',
      'blackbox/target.key',
      'compose.monitoring.yaml',
      'grafana/dashboard.json',
      'mtail/gateway.mtail',
      'prometheus/alerts.yml',
      'prometheus/nodes.json',
      'prometheus/prometheus.yml',
      'prometheus/rules.yml',
    ]);
    expect(readFileSync(path.join(out, 'blackbox/legacy.key'), 'utf8')).toBe(`${KEYS.legacy}\n`);
    expect(readFileSync(path.join(out, 'blackbox/target.key'), 'utf8')).toBe(`${KEYS.target}\n`);
    for (const f of ['blackbox/legacy.key', 'blackbox/target.key', 'blackbox/blackbox.yml']) expect(statSync(path.join(out, f)).mode & 0o777, f).toBe(0o600);
    expect(statSync(path.join(out, 'blackbox')).mode & 0o777).toBe(0o700);
    for (const f of filesUnder(out).filter((f) => !f.endsWith('.key'))) {
      const text = readFileSync(path.join(out, f), 'utf8');
      expect(text, f).not.toContain(KEYS.legacy);
      expect(text, f).not.toContain(KEYS.target);
    }
    expect(res.stdout + res.stderr).not.toMatch(/7Qz9xK2m|3Nw6yH1c/);
    // Every node of both providers is probed, each through its provider's module.
    const nodes = JSON.parse(readFileSync(path.join(out, 'prometheus/nodes.json'), 'utf8')) as { targets: string[]; labels: Record<string, string> }[];
    expect(nodes.map((n) => [n.labels.provider, n.labels.node, n.targets[0], n.labels.__param_module])).toEqual([
      ['legacy', 'main', 'http://127.0.0.1:9/v1/models', 'migrate_legacy_models'],
      ['target', 'main', 'http://127.0.0.1:10/v1/models', 'migrate_target_models'],
      ['target', 'east', 'http://127.0.0.1:11/v1/models', 'migrate_target_models'],
    ]);
  });

  it('--dry-run lists the files and writes none', async () => {
    const dir = project();
    const res = await runMigrate(dir, ['monitoring', '--env', 'canary', '--dry-run']);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('would write monitoring/canary/blackbox/target.key (0600, holds a key)');
    expect(res.stdout).toContain('would write monitoring/canary/prometheus/alerts.yml (0644)');
    expect(readdirSync(dir).sort()).toEqual(['.env', 'migrate.yaml']);
  });

  it('refuses to overwrite without --force (exit 2, nothing touched); --force replaces in place of the old files, modes kept', async () => {
    const dir = project();
    expect((await runMigrate(dir, ['monitoring', '--env', 'canary'])).exitCode).toBe(0);
    const rules = path.join(dir, 'monitoring/canary/prometheus/rules.yml');
    writeFileSync(rules, '# my edit\n');
    const again = await runMigrate(dir, ['monitoring', '--env', 'canary']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/^error: 11 file\(s\) exist: monitoring\/canary\/mtail\/gateway\.mtail, .*; nothing was written$/m);
    expect(again.stderr).toContain('--force');
    expect(again.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(rules, 'utf8')).toBe('# my edit\n');

    const forced = await runMigrate(dir, ['monitoring', '--env', 'canary', '--force', '--json']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    const doc = JSON.parse(forced.stdout) as { files: { file: string; mode: string; replaced: boolean }[] };
    expect(doc.files.find((f) => f.file === rules)).toEqual({ file: rules, mode: '0644', replaced: true });
    expect(doc.files.find((f) => f.file.endsWith('target.key'))?.mode).toBe('0600');
    expect(readFileSync(rules, 'utf8')).toContain('record: environment_provider:migrate_gateway_error_ratio:rate1m');
  });

  it("refuses a config whose base URL carries a secret (it would reach Prometheus' config), writing nothing", async () => {
    const dir = tempProject('migrate-monitoring-cmd-', {
      'migrate.yaml': monitoringConfig(urls).replace('baseUrl: http://127.0.0.1:10/v1', 'baseUrl: http://user:${TARGET_KEY}@127.0.0.1:10/v1'),
      '.env': 'A=1\n',
    });
    const res = await runMigrate(dir, ['monitoring', '--env', 'canary']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/^error: nodes\.json would hold a secret from migrate\.yaml .*; nothing was written$/m);
    expect(res.stderr).not.toContain(KEYS.target);
    expect(readdirSync(dir).sort()).toEqual(['.env', 'migrate.yaml']);
  });

  it('--out puts them elsewhere; an unknown environment is a usage error', async () => {
    const dir = project();
    const res = await runMigrate(dir, ['monitoring', '--env', 'canary', '--out', 'ops/mon']);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(filesUnder(path.join(dir, 'ops/mon'))).toHaveLength(11);
    const bad = await runMigrate(dir, ['monitoring', '--env', 'prod']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/unknown environment "prod"/);
  });
});
