// `migrate status` reads what a ramp left (or is writing): stage, weights, lock, gate history.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANARY, canaryProject, legacyEnvFile, migrate, probeRamp, providers, soakingAt, spawnMigrate, waitForState } from '../ramp/helpers.js';

const TWO_ENVIRONMENTS = [...CANARY, '  production:', '    envFiles: [.env.production]'];
const LONG_SOAK = probeRamp('10, 100', '30s', '300ms');

describe('migrate status', () => {
  it('--json shows a running ramp: stage, applied and driver weight, lock holder, decisions with figures', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments: TWO_ENVIRONMENTS, ramp: LONG_SOAK }, { '.env.production': legacyEnvFile(legacy.url) });
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    await waitForState(dir, (s) => soakingAt(10)(s) && s.gates.length >= 2 && s.gates.some((g) => g.outcome === 'pass'));

    const r = await migrate(dir, ['status', '--json'], { targetUrl: target.url });
    ramp.kill('SIGTERM');
    await ramp;

    expect(r.code, r.stderr).toBe(0);
    const { environments } = JSON.parse(r.stdout);
    const [canary, production] = environments;
    expect(canary).toMatchObject({
      environment: 'canary',
      driver: 'env',
      status: 'running',
      stage: { number: 1, of: 2, weight: 10, status: 'soaking' },
      appliedWeight: 10,
      driverWeight: 10,
    });
    expect(canary.lock).toMatchObject({ pid: ramp.pid, command: 'migrate ramp' });
    expect(canary.backupId).toMatch(/canary/);
    expect(canary.gates.length).toBeGreaterThanOrEqual(2);
    // Numbered from 1 like the stage above and the ramp's events (the state file keeps the index).
    // The first decision that judged requests (on a loaded machine an earlier one may say "too few").
    const passed = canary.gates.find((g: { outcome: string }) => g.outcome === 'pass');
    expect(passed).toMatchObject({ stage: 1, weight: 10, outcome: 'pass', action: 'continue' });
    expect(passed.stage).toBe(canary.stage.number);
    expect(passed.checks[0]).toMatchObject({ source: 'probes', outcome: 'pass', target: { errors: 0 } });
    expect(passed.checks[0].target.requests).toBeGreaterThan(0);
    expect(production).toMatchObject({ environment: 'production', status: 'none', driverWeight: 0, lock: null, gates: [] });
  });

  it('prints each environment for a person, after the ramp paused', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments: TWO_ENVIRONMENTS, ramp: LONG_SOAK }, { '.env.production': legacyEnvFile(legacy.url) });
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    // A decision that judged requests (on a loaded machine the first may still be "too few").
    await waitForState(dir, (s) => soakingAt(10)(s) && s.gates.some((g) => g.outcome === 'pass'));
    ramp.kill('SIGTERM');
    expect((await ramp).exitCode).toBe(130);

    const r = await migrate(dir, ['status'], { targetUrl: target.url });
    const one = await migrate(dir, ['status', '--env', 'canary'], { targetUrl: target.url });

    expect(r.code).toBe(0);
    expect(r.stdout).toContain('canary: paused (interrupted by SIGTERM)');
    expect(r.stdout).toContain('stage 1/2: 10% soaking; stages 10% … → 100%');
    expect(r.stdout).toContain('weight: 10% applied by the ramp; the env driver reports 10%');
    expect(r.stdout).toContain('lock: free');
    expect(r.stdout).toMatch(/last decisions:\n(?: {4}.*\n)*? {4}\d\d:\d\d:\d\d stage 10%: error rate 0\.0%/);
    expect(r.stdout).toContain('production: no ramp yet (env driver reports 0%)');
    expect(one.stdout).not.toContain('production');
  });

  it('a killed ramp is not shown as simply running: its lock is stale and it says what to run', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp: LONG_SOAK });
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    await waitForState(dir, soakingAt(10));
    ramp.kill('SIGKILL');
    await ramp;

    const r = await migrate(dir, ['status', '--env', 'canary'], { targetUrl: target.url });
    const json = await migrate(dir, ['status', '--env', 'canary', '--json'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('canary: running');
    expect(r.stdout).toContain('its process is gone: continue with `migrate ramp --env canary --resume` or undo with `migrate rollback --env canary`');
    expect(r.stdout).toMatch(/lock: pid \d+ .*\(stale: that process is gone\)/);
    expect(JSON.parse(json.stdout).environments[0]).toMatchObject({ status: 'running', orphaned: true, lock: { pid: ramp.pid, alive: false } });

    // After a reboot the lock's pid may belong to a live process (pid 1 here): the boot id tells.
    const lockPath = path.join(dir, '.migrate/locks/canary.lock');
    const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
    writeFileSync(lockPath, JSON.stringify({ ...lock, pid: 1, boot: 'an-earlier-boot' }));
    const rebooted = await migrate(dir, ['status', '--env', 'canary', '--json'], { targetUrl: target.url });
    const shown = JSON.parse(rebooted.stdout).environments[0];
    expect(shown).toMatchObject({ status: 'running', orphaned: true, lock: { pid: 1, alive: false } });
    expect(shown.lock).not.toHaveProperty('boot');
  });
});
