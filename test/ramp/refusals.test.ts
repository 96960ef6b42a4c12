// Refusals happen before anything changes: exit 2, no state, no lock, no writes.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANARY, canaryProject, legacyEnvFile, migrate, providers, readState, SHORT_RAMP } from './helpers.js';

const WITH_PRODUCTION = [...CANARY, '  production:', '    envFiles: [.env.production]', '    requires: canary'];

describe('migrate ramp refuses', () => {
  it('production before canary completed, naming what it requires', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments: WITH_PRODUCTION }, { '.env.production': legacyEnvFile(legacy.url) });

    const r = await migrate(dir, ['ramp', '--env', 'production', '--yes'], { targetUrl: target.url });

    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environment production requires canary to have completed its ramp first, and it has not been ramped');
    expect(await readState(dir, 'production')).toBeUndefined();
    expect(target.count()).toBe(0);
  });

  it('production in CI without --yes, before touching anything', async () => {
    const { legacy, target } = await providers();
    const environments = [...CANARY, '  production:', '    envFiles: [.env.production]'];
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments }, { '.env.production': legacyEnvFile(legacy.url) });

    const r = await migrate(dir, ['ramp', '--env', 'production'], { targetUrl: target.url });

    expect(r.code).toBe(2);
    expect(r.stderr).toContain('asks for confirmation');
    expect(r.stderr).toContain('--yes');
    await expect(fs.stat(path.join(dir, '.migrate'))).rejects.toThrow();
    expect(await fs.readFile(path.join(dir, '.env.production'), 'utf8')).toBe(legacyEnvFile(legacy.url));
  });

  it('--resume with nothing to resume, and stages that do not increase', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url });

    const resume = await migrate(dir, ['ramp', '--env', 'canary', '--resume'], { targetUrl: target.url });
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('there is no ramp of canary to resume');

    const stages = await migrate(dir, ['ramp', '--env', 'canary', '--stages', '50,20,100'], { targetUrl: target.url });
    expect(stages.code).toBe(2);
    expect(stages.stderr).toContain('--stages: stages must increase, got 50, 20, 100');
    await expect(fs.stat(path.join(dir, '.migrate'))).rejects.toThrow();
  });

  it('a target that fails its connectivity check stops the preflight with nothing changed (exit 1)', async () => {
    const { legacy, target } = await providers({ apiKey: 'another-key-than-configured-000' });
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url });

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the target provider failed its connectivity check: nothing was changed');
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(legacyEnvFile(legacy.url));
    expect(await readState(dir)).toBeUndefined();
    await expect(fs.stat(path.join(dir, '.migrate/locks/canary.lock'))).rejects.toThrow();

    // With --json the stream stays JSON Lines: the events, then the error, each on one line.
    const json = await migrate(dir, ['ramp', '--env', 'canary', '--json'], { targetUrl: target.url });
    expect(json.code).toBe(1);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ event: 'preflight', step: 'check', ok: false });
    expect(lines.at(-1)).toMatchObject({ ok: false, error: { message: 'the target provider failed its connectivity check: nothing was changed', exitCode: 1 } });
  });

  it('--validate: a target breaking the OpenAI schema fails the preflight with nothing changed (exit 1)', async () => {
    const { legacy, target } = await providers({ faults: { defects: { drop: ['id', 'object'] } } });
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url });

    const r = await migrate(dir, ['ramp', '--env', 'canary', '--validate'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('the validation suite failed on target: nothing was changed');
    expect(r.stderr).toMatch(/conformance rule\(s\) broken by target/);
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(legacyEnvFile(legacy.url));
    expect(await readState(dir)).toBeUndefined();
  });

  it('ramp.validate: true in the config runs the validation suite like --validate', async () => {
    const { legacy, target } = await providers({ faults: { defects: { drop: ['id', 'object'] } } });
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp: [...SHORT_RAMP, '  validate: true'] });

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('the validation suite failed on target: nothing was changed');
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(legacyEnvFile(legacy.url));
    expect(await readState(dir)).toBeUndefined();
  });
});
