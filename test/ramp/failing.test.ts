// A target that breaks mid-ramp is rolled back by itself, through the same path as `migrate rollback`.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  backupCopy,
  canaryProject,
  expectNoSecrets,
  legacyEnvFile,
  migrate,
  probeRamp,
  providers,
  readAudit,
  readState,
  soakingAt,
  spawnMigrate,
  waitForState,
} from './helpers.js';

describe('migrate ramp when the target starts failing', () => {
  it('rolls back at 20 %: exit 1, env file byte-identical to the backup, reason recorded', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url });
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    await waitForState(dir, soakingAt(20));
    target.setFaults({ error: { status: 503 } });
    const r = await ramp;

    expect(r.exitCode, String(r.stderr)).toBe(1);
    const state = await readState(dir);
    expect(state?.status).toBe('rolled-back');
    expect(state?.reason).toMatch(/^stage 20%: error rate \d+\.\d% > 1\.0% over \d+ requests → rolling back$/);
    expect(state?.stages.map((s) => s.status)).toEqual(['passed', 'failed', 'pending']);
    const file = await fs.readFile(path.join(dir, '.env.canary'));
    expect(file.equals(await backupCopy(dir, state!.backupId!))).toBe(true);
    expect(file.toString()).toBe(legacyEnvFile(legacy.url));
    expect(String(r.stderr)).toMatch(/✓ rolled back: restored \.env\.canary from backup .*; legacy answers/);
    const results = (await readAudit(dir)).map((a) => `${a.command}:${a.result}`);
    expect(results).toEqual(expect.arrayContaining(['ramp:rollback-started', 'rollback:ok', 'ramp:rollback-done', 'ramp:rolled-back']));
    await expectNoSecrets(dir, String(r.stdout), String(r.stderr));
  });

  it('exits 3 with the command to run when the rollback itself cannot complete', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url });
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    await waitForState(dir, soakingAt(20));
    // Legacy breaks too: the files are restored, but the rollback cannot verify legacy answers.
    legacy.setFaults({ error: { status: 503, paths: ['*'] } });
    target.setFaults({ error: { status: 503 } });
    const r = await ramp;

    expect(r.exitCode, String(r.stderr)).toBe(3);
    const state = await readState(dir);
    expect(state?.status).toBe('failed');
    expect(state?.reason).toMatch(/the rollback did not complete/);
    expect(String(r.stderr)).toMatch(/migrate rollback --env canary/);
    // A fresh ramp refuses until a person rolls back.
    const again = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/migrate rollback --env canary/);
  });

  it('stops without a fight when `migrate rollback` is run during a soak', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp: probeRamp('10, 100', '20s', '400ms') });
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    await waitForState(dir, soakingAt(10));

    const rollback = await migrate(dir, ['rollback', '--env', 'canary', '--yes'], { targetUrl: target.url });
    const r = await ramp;

    expect(rollback.code, rollback.stderr).toBe(0);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const state = await readState(dir);
    expect(state?.status).toBe('rolled-back');
    expect(state?.reason).toMatch(/stopped for a rollback requested by .*migrate rollback/);
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(legacyEnvFile(legacy.url));
    await expect(fs.stat(path.join(dir, '.migrate/locks/canary.lock'))).rejects.toThrow();
  });

  it('a rollback request whose rollback never comes: the state says where traffic is, and --resume refuses', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp: probeRamp('10, 100', '20s', '400ms') });
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    await waitForState(dir, soakingAt(10));
    // What a `migrate rollback` leaves when it is killed while waiting for the ramp to stop.
    await fs.writeFile(path.join(dir, '.migrate/state/canary.rollback-requested.json'), '{"at":"2026-01-01T00:00:00.000Z","by":"alice (migrate rollback)"}\n');
    const r = await ramp;

    expect(r.exitCode, String(r.stderr)).toBe(1);
    const stopped = await readState(dir);
    expect(stopped).toMatchObject({ status: 'paused', appliedWeight: 10 }); // not "rolled back": nothing was restored
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toMatch(/LLM_TARGET_WEIGHT=10/);

    const resumed = await migrate(dir, ['ramp', '--env', 'canary', '--resume'], { targetUrl: target.url });
    expect(resumed.code, resumed.stderr).toBe(2);
    expect(resumed.stderr).toContain('migrate rollback --env canary');
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toMatch(/LLM_TARGET_WEIGHT=10/);

    const rollback = await migrate(dir, ['rollback', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(await readState(dir)).toMatchObject({
      status: 'rolled-back',
      appliedWeight: 0,
      reason: expect.stringMatching(/^stopped for a rollback requested by alice .*; migrate rollback restored backup /),
    });
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(legacyEnvFile(legacy.url));
  });
});

describe('migrate ramp rolling back after the cut-over', () => {
  it('keeps the legacy key resolved before the cut-over (and reads it from the backup for the restore): rolled back (exit 1), legacy got the legacy key', async () => {
    const { legacy, target } = await providers();
    // The legacy key is the app's own OPENAI_API_KEY in .env.canary, which the cut-over rewrites.
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp: probeRamp('100', '3s', '400ms') });
    const config = path.join(dir, 'migrate.yaml');
    await fs.writeFile(config, (await fs.readFile(config, 'utf8')).replace('    apiKey: ${LEGACY_KEY}', '    apiKey: ${OPENAI_API_KEY}'));
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    await waitForState(dir, soakingAt(100));
    legacy.resetCounts();
    target.setFaults({ error: { status: 503 } });
    const r = await ramp;

    expect(r.exitCode, String(r.stderr)).toBe(1);
    expect(String(r.stderr)).toContain('providers.legacy: OPENAI_API_KEY read from backup');
    expect((await readState(dir))?.status).toBe('rolled-back');
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(legacyEnvFile(legacy.url));
    const verify = legacy.requests.filter((q) => q.path === '/v1/chat/completions');
    expect(verify.length).toBeGreaterThan(0);
    expect(verify.every((q) => q.authorized)).toBe(true);
    await expectNoSecrets(dir, String(r.stdout), String(r.stderr));
  });
});
