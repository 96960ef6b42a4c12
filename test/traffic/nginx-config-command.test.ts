// `migrate nginx-config` end to end: the built CLI (`npm run build` runs before the tests).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/migrate.js');
const KEYS = { LEGACY_KEY: 'sk-legacy-0123456789abcdef0123', TARGET_KEY: 'sk-target-fedcba9876543210wxyz' };

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/cli.js'))) await execa('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT });
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(traffic: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-nginx-config-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, '.env.canary'), 'LLM_TARGET_WEIGHT=0\n');
  writeFileSync(
    path.join(dir, 'migrate.yaml'),
    [
      'version: 1',
      'providers:',
      '  legacy: { baseUrl: "https://api.openai.com/v1", apiKey: "${LEGACY_KEY}" }',
      '  target: { baseUrl: "https://relay.example/v1", apiKey: "${TARGET_KEY}" }',
      'models: [gpt-4.1]',
      'environments:',
      '  canary:',
      '    envFiles: [.env.canary]',
      `    traffic: ${traffic}`,
      '',
    ].join('\n'),
  );
  return dir;
}

const migrate = (cwd: string, args: string[]) =>
  execa('node', [BIN, ...args], { cwd, reject: false, extendEnv: false, env: { PATH: process.env.PATH ?? '', HOME: cwd, NO_COLOR: '1', ...KEYS } });

describe('migrate nginx-config', () => {
  it('prints the include for the weight with the keys redacted', async () => {
    const cwd = project('{ driver: nginx, file: nginx/migrate.conf, splitKey: "$remote_addr" }');
    const r = await migrate(cwd, ['nginx-config', '--env', 'canary', '--weight', '20']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('# migrate-weight: 20');
    expect(r.stdout).toContain('split_clients "$remote_addr" $migrate_canary_provider {\n    20%     target;\n    *       legacy;\n}');
    expect(r.stdout).toContain('target  "Bearer sk-…wxyz";');
    expect(r.stdout + r.stderr).not.toContain(KEYS.TARGET_KEY);
    expect(r.stdout + r.stderr).not.toContain(KEYS.LEGACY_KEY);
  });

  it('--json gives the file it would write and the redacted include', async () => {
    const cwd = project('{ driver: nginx, file: nginx/migrate.conf }');
    const r = await migrate(cwd, ['nginx-config', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ environment: 'canary', weight: 0, file: path.join(cwd, 'nginx/migrate.conf') });
    expect(doc.include).toContain('    *       legacy;');
    expect(r.stdout).not.toContain(KEYS.TARGET_KEY);
  });

  it('warns when the environment uses another driver, and refuses a weight over 100', async () => {
    const cwd = project('{ driver: env }');
    const r = await migrate(cwd, ['nginx-config']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('environment canary uses the env traffic driver');
    const bad = await migrate(cwd, ['nginx-config', '--weight', '150']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--weight must be between 0 and 100, got 150');
  });
});
