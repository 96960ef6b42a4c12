// `ramp --resume` after the cut-over: the legacy URL and key are read from the env file the ramp
// rewrote, which now names the target. They must come from the backup the ramp took at its start
// (as rollback does), or the gates would compare the target with itself.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LEGACY_KEY,
  TARGET_KEY,
  configYaml,
  expectNoSecrets,
  legacyEnvFile,
  migrate,
  probeRamp,
  project,
  providers,
  readState,
  soakingAt,
  spawnMigrate,
  waitForState,
} from './helpers.js';

describe('ramp --resume after the cut-over', () => {
  it('reads the legacy URL and key from the ramp backup, so legacy is still probed with its own key', async () => {
    const { legacy, target } = await providers();
    const yaml = configYaml({ legacyUrl: '${OPENAI_BASE_URL}', targetUrl: target.url, ramp: probeRamp('100', '30s', '400ms') }).replace(
      'apiKey: ${LEGACY_KEY}',
      'apiKey: ${OPENAI_API_KEY}',
    );
    const dir = project({ 'migrate.yaml': yaml, '.env.canary': legacyEnvFile(legacy.url) });
    const first = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    await waitForState(dir, soakingAt(100));
    first.kill('SIGKILL');
    await first;
    const envFile = await fs.readFile(path.join(dir, '.env.canary'), 'utf8');
    expect(envFile).toContain(`OPENAI_BASE_URL=${target.url}`); // the cut-over happened
    expect(envFile).toContain(`OPENAI_API_KEY=${TARGET_KEY}`);

    legacy.resetCounts();
    const resumed = await migrate(dir, ['ramp', '--env', 'canary', '--resume', '--soak', '1200ms'], { targetUrl: target.url });
    expect(resumed.code, resumed.stderr).toBe(0);
    const backupId = (await readState(dir))?.backupId;
    expect(resumed.stderr).toContain(`providers.legacy: OPENAI_BASE_URL, OPENAI_API_KEY read from backup ${backupId}`);
    const legacyProbes = legacy.requests.filter((q) => q.path === '/v1/chat/completions');
    expect(legacyProbes.length).toBeGreaterThan(0);
    expect(legacyProbes.every((q) => q.authorized)).toBe(true);
    expect(LEGACY_KEY).not.toBe(TARGET_KEY);
    await expectNoSecrets(dir, resumed.stdout, resumed.stderr);
  });

  it('refuses (exit 2, nothing changed) when the backup is gone, with the fix', async () => {
    const { legacy, target } = await providers();
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url, ramp: probeRamp('100', '30s', '400ms') }).replace('apiKey: ${LEGACY_KEY}', 'apiKey: ${OPENAI_API_KEY}');
    const dir = project({ 'migrate.yaml': yaml, '.env.canary': legacyEnvFile(legacy.url) });
    const first = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    await waitForState(dir, soakingAt(100));
    first.kill('SIGKILL');
    await first;
    await fs.rm(path.join(dir, '.migrate/backups'), { recursive: true, force: true });
    const before = await fs.readFile(path.join(dir, '.env.canary'), 'utf8');
    const resumed = await migrate(dir, ['ramp', '--env', 'canary', '--resume', '--soak', '1200ms'], { targetUrl: target.url });
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/cannot resume: providers\.legacy must be read from backup \S+: no backup/);
    expect(resumed.stderr).toContain('put the legacy settings in .env.migrate');
    expect(resumed.stderr).not.toMatch(/\n\s+at /);
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(before);
  });
});
