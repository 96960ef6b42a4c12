import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { KEYS, backupOf, envText, tempDir } from './helpers.js';

// The incident this pins: the legacy key was `${OPENAI_API_KEY}`, read from the env file the ramp
// had cut over, so at rollback time it resolved to the target's key and the legacy provider
// refused the verify (exit 3 after a good restore). Rollback now reads it from the backup copy.

let legacy: FakeProvider;
let target: FakeProvider;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  target = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
});
afterAll(async () => {
  await legacy?.close();
  await target?.close();
});

/** Keys only in the env file: nothing for OPENAI_* in the process environment. */
function migrate(config: string, args: string[]): Promise<CliResult> {
  return runCli(['--config', config, ...args], { keepFinalNewline: true, env: { TARGET_API_KEY: KEYS.target } });
}

async function project(legacyBaseUrl: string) {
  const dir = tempDir();
  const config = path.join(dir, 'migrate.yaml');
  const envFile = path.join(dir, '.env.canary');
  await fs.writeFile(
    config,
    [
      'version: 1',
      'providers:',
      `  legacy: { baseUrl: "${legacyBaseUrl}", apiKey: "\${OPENAI_API_KEY}", timeoutMs: 5000 }`,
      `  target: { baseUrl: "${target.url}", apiKey: "\${TARGET_API_KEY}", timeoutMs: 5000 }`,
      'models: [gpt-4.1]',
      'environments:',
      '  canary: { envFiles: [.env.canary] }',
      '',
    ].join('\n'),
  );
  await fs.writeFile(envFile, envText(legacy.url, KEYS.legacy), { mode: 0o600 });
  const backup = await backupOf(path.join(dir, '.migrate'), 'canary', [{ path: '.env.canary', absolute: envFile }]);
  // What the cut-over left: the app's file names the target, with the target's key.
  await fs.writeFile(envFile, envText(target.url, KEYS.target));
  return { dir, config, envFile, backup };
}

describe('rollback when the legacy key comes from the env file it restores', () => {
  it('reads the key from the backup copy: exit 0, and legacy received the legacy key', async () => {
    const p = await project(legacy.url);
    legacy.resetCounts();
    target.resetCounts();
    const r = await migrate(p.config, ['rollback', '--env', 'canary', '--yes']);
    expect(r.stderr).toContain(`providers.legacy: OPENAI_API_KEY read from backup ${p.backup.id}, the copy being restored`);
    expect(r.stderr).toContain('reads OPENAI_API_KEY from .env.canary, which environment canary rewrites; put OPENAI_API_KEY in .env.migrate');
    expect(r.exitCode).toBe(0);
    expect(await fs.readFile(p.envFile, 'utf8')).toBe(envText(legacy.url, KEYS.legacy));
    const verified = legacy.requests.filter((q) => q.path === '/v1/chat/completions');
    expect(verified.length).toBeGreaterThan(0);
    expect(verified.every((q) => q.authorized)).toBe(true);
    expect(target.count()).toBe(0);
    for (const text of [r.stdout, r.stderr]) for (const key of Object.values(KEYS)) expect(text).not.toContain(key);
  });

  it('reads the base URL from the backup copy too, so the verify goes to legacy, not the target', async () => {
    const p = await project('${OPENAI_BASE_URL}');
    legacy.resetCounts();
    target.resetCounts();
    const r = await migrate(p.config, ['rollback', '--env', 'canary', '--yes', '--json']);
    expect(r.stderr).toContain('OPENAI_BASE_URL, OPENAI_API_KEY read from backup');
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout) as { verify: { provider: string; baseUrl: string; ok: boolean } };
    expect(report.verify).toMatchObject({ provider: 'legacy', baseUrl: legacy.url, ok: true });
    expect(legacy.count()).toBeGreaterThan(0);
    expect(target.count()).toBe(0);
  });
});
