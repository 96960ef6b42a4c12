// A healthy target: the ramp walks every stage, cuts over, and leaves a complete record.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryProject, events, expectNoSecrets, LEGACY_KEY, migrate, providers, readAudit, readState, TARGET_KEY } from './helpers.js';

describe('migrate ramp with a healthy target', () => {
  it('completes every stage and ends with the env files on target', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url });

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    const env = await fs.readFile(path.join(dir, '.env.canary'), 'utf8');
    expect(env).toBe(`# the app's provider\nOPENAI_BASE_URL=${target.url}\nOPENAI_API_KEY=${TARGET_KEY}\nLLM_TARGET_WEIGHT=100\n`);
    const state = await readState(dir);
    expect(state?.status).toBe('completed');
    expect(state?.stages.map((s) => [s.weight, s.status])).toEqual([
      [10, 'passed'],
      [20, 'passed'],
      [100, 'passed'],
    ]);
    expect(state?.lock).toBeUndefined();
    // Every stage decided at least twice (1.2 s soak, 400 ms interval) and advanced once.
    for (const weight of [10, 20, 100]) {
      const decisions = state!.gates.filter((g) => g.weight === weight);
      expect(decisions.length).toBeGreaterThanOrEqual(2);
      expect(decisions.at(-1)?.action).toBe('advance');
    }
    expect(r.stderr).toMatch(/stage 20%: error rate 0\.0% ≤ 1\.0%.* → advancing/);
    expect(r.stdout).toMatch(/ramp of canary completed/);
    const audit = (await readAudit(dir)).filter((a) => a.command === 'ramp');
    expect(audit.map((a) => a.result)).toEqual(expect.arrayContaining(['preflight-backup', 'stage-soaking', 'decision', 'stage-passed', 'completed']));
    expect(audit.filter((a) => a.result === 'decision').length).toBe(state!.gates.length);
    // Probes reached the target, and the fresh lock file is gone.
    expect(target.count({ path: '/v1/chat/completions' })).toBeGreaterThan(9);
    await expect(fs.stat(path.join(dir, '.migrate/locks/canary.lock'))).rejects.toThrow();
    await expectNoSecrets(dir, r.stdout, r.stderr);
  });

  it('--json prints one event per line: stages, decisions and the end', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url });

    const r = await migrate(dir, ['ramp', '--env', 'canary', '--json', '--stages', '50,100', '--soak', '800ms', '--interval', '400ms'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    const list = events(r.stdout);
    expect(list[0]).toMatchObject({ event: 'preflight', step: 'check', ok: true, environment: 'canary' });
    expect(list.find((e) => e.event === 'start')).toMatchObject({ stages: [50, 100], soakMs: 800, intervalMs: 400, driver: 'env', resumed: false });
    const stages = list.filter((e) => e.event === 'stage').map((e) => `${e.weight}:${e.status}`);
    expect(stages).toEqual(['50:applying', '50:soaking', '50:passed', '100:applying', '100:soaking', '100:passed']);
    const decision = list.find((e) => e.event === 'decision')!;
    expect(decision).toMatchObject({ stage: 1, weight: 50, outcome: 'pass' });
    expect((decision.checks as Array<{ source: string; target: { requests: number } }>)[0]).toMatchObject({ source: 'probes' });
    expect(list.at(-1)).toMatchObject({ event: 'end', status: 'completed', exitCode: 0 });
    for (const e of list) expect(typeof e.time).toBe('string');
    await expectNoSecrets(dir, r.stdout, r.stderr);
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url });
    const before = await fs.readFile(path.join(dir, '.env.canary'), 'utf8');

    const r = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('stage 1/3: 10% for 1.2s, gates every 400ms');
    expect(r.stdout).toContain(`write ${path.join(dir, '.env.canary')} (set LLM_TARGET_WEIGHT=20)`);
    expect(r.stdout).toMatch(/set LLM_TARGET_WEIGHT=100, set OPENAI_API_KEY=…|set OPENAI_API_KEY=.*…/);
    expect(r.stdout).toContain('minimum duration: 3.6s');
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(before);
    await expect(fs.stat(path.join(dir, '.migrate'))).rejects.toThrow(); // no state, lock, backup or audit
    expect(target.count()).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(TARGET_KEY);
    expect(r.stdout + r.stderr).not.toContain(LEGACY_KEY);
  });
});
