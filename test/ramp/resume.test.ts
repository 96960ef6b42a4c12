// Killed or stopped ramps: the state on disk says where traffic is, and --resume continues
// from there without repeating a stage that passed. The command driver logs each application.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryProject, migrate, providers, readState, soakingAt, spawnMigrate, waitForState } from './helpers.js';

const COMMAND_DRIVER = ['  canary:', '    envFiles: [.env.canary]', '    traffic: { driver: command, command: "echo $MIGRATE_WEIGHT >> applied.log" }'];

async function applied(dir: string): Promise<string[]> {
  return (await fs.readFile(path.join(dir, 'applied.log'), 'utf8')).trim().split('\n');
}

describe('interrupted ramps', () => {
  it('a ramp killed during stage 2 resumes at stage 2 and never re-applies stage 1', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments: COMMAND_DRIVER });
    const first = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    await waitForState(dir, soakingAt(20));
    first.kill('SIGKILL');
    await first;

    const fresh = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toMatch(/already running at stage 20%/);
    expect(fresh.stderr).toContain('migrate ramp --env canary --resume');

    const resumed = await migrate(dir, ['ramp', '--env', 'canary', '--resume'], { targetUrl: target.url });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming at stage 2/3');
    expect(resumed.stderr).toMatch(/took over a stale lock/);
    expect(await applied(dir)).toEqual(['10', '20', '20', '100']); // the soaking stage is applied again, stage 1 is not
    const state = await readState(dir);
    expect(state?.status).toBe('completed');
    expect(state?.stages.every((s) => s.status === 'passed')).toBe(true);
  });

  it('SIGTERM during a soak pauses with the state written and the lock released (exit 130); --resume completes', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments: COMMAND_DRIVER });
    const first = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    await waitForState(dir, soakingAt(10));
    first.kill('SIGTERM');
    const r = await first;

    expect(r.exitCode, String(r.stderr)).toBe(130);
    const paused = await readState(dir);
    expect(paused?.status).toBe('paused');
    expect(paused?.reason).toBe('interrupted by SIGTERM');
    expect(paused?.lock).toBeUndefined();
    await expect(fs.stat(path.join(dir, '.migrate/locks/canary.lock'))).rejects.toThrow();
    expect(String(r.stdout)).toContain('--resume');

    const resumed = await migrate(dir, ['ramp', '--env', 'canary', '--resume'], { targetUrl: target.url });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await applied(dir)).toEqual(['10', '10', '20', '100']);
  });

  it('two SIGTERMs still pause safely instead of dying half-way', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments: COMMAND_DRIVER });
    const first = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    await waitForState(dir, soakingAt(10));
    first.kill('SIGTERM');
    first.kill('SIGTERM');
    const r = await first;
    expect(r.exitCode, String(r.stderr)).toBe(130);
    expect((await readState(dir))?.status).toBe('paused');
  });
});
