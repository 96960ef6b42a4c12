// A plan whose probes cannot reach minSamples in a soak can never pass: refused up front (exit 2)
// with the numbers and the flag to change, by --dry-run and the real ramp alike.
import { describe, expect, it } from 'vitest';
import { CANARY, canaryProject, legacyEnvFile, migrate, providers, readState } from './helpers.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The defaults: minSamples 20, probes at 2 rps. */
const DEFAULT_GATES = ['  stages: [50, 100]', '  soak: 3s', '  interval: 1s'];

describe('migrate ramp: plans that cannot pass', () => {
  it('--soak 3s with 2 rps and minSamples 20 is refused with the numbers and the flags; nothing is sent or written', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp: DEFAULT_GATES });
    for (const args of [['--dry-run'], []]) {
      const r = await migrate(dir, ['ramp', '--env', 'canary', '--soak', '3s', '--interval', '1s', ...args], { targetUrl: target.url });
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(
        'error: stage soak 3s × 2 rps = 6 probe requests < minSamples 20: the gates can never pass; raise --soak to 10s, --rps to 7, or lower --min-samples to 6',
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(legacy.count() + target.count()).toBe(0);
    expect(await readState(dir)).toBeUndefined();
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(legacyEnvFile(legacy.url));
  });

  it('passes once --rps, --min-samples or --soak makes it reachable (flags override the file)', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp: DEFAULT_GATES });
    for (const flags of [
      ['--rps', '7'],
      ['--min-samples', '6'],
      ['--soak', '10s'],
    ]) {
      const r = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run', ...flags], { targetUrl: target.url });
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });

  it('--dry-run of a plan that can pass shows the same arithmetic, in text and --json, and what env-driver stages below 100 % mean', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp: ['  stages: [50, 100]', '  soak: 60s', '  interval: 10s'] });
    const r = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run'], { targetUrl: target.url });
    expect(r.code, r.stderr).toBe(0);
    expect(`${r.stdout}\n${r.stderr}`, r.stdout + r.stderr).toContain('\neach stage: soak 60s × 2 rps = 120 probe requests ≥ minSamples 20');
    const json = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run', '--json', '--rps', '7', '--min-samples', '6'], { targetUrl: target.url });
    expect(json.code, json.stderr).toBe(0);
    const plan = json.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((e) => e.event === 'plan');
    expect(plan.samples).toBe('each stage: soak 60s × 7 rps = 420 probe requests ≥ minSamples 6');
    // The env driver below 100 % writes only the weight: the plan says what that means for most apps.
    const note =
      'note: env driver: stages below 100 % only write LLM_TARGET_WEIGHT; an app that does not read it (most read only a base URL and key) stays on legacy until 100 %, the cut-over; for a real 5 %, put the nginx driver in front (traffic: { driver: nginx })';
    expect((r.stdout + r.stderr).split(note)).toHaveLength(2); // said once
    const cutoverOnly = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run', '--stages', '100'], { targetUrl: target.url });
    expect(cutoverOnly.code, cutoverOnly.stderr).toBe(0);
    expect(cutoverOnly.stdout + cutoverOnly.stderr).not.toContain('note: env driver');
    expect(legacy.count() + target.count()).toBe(0);
  });

  it("counts the environment's own gate and probe overrides", async () => {
    const { legacy, target } = await providers();
    const environments = [...CANARY, '    ramp: { soak: 5s, gates: { minSamples: 50 }, sources: { probes: { rps: 4 } } }'];
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments, ramp: DEFAULT_GATES });
    const r = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run'], { targetUrl: target.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'stage soak 5s × 4 rps = 20 probe requests < minSamples 50: the gates can never pass; raise --soak to 13s, --rps to 10, or lower --min-samples to 20',
    );
  });

  it('--rps with the probes off, and a bad --min-samples, are usage errors', async () => {
    const { legacy, target } = await providers();
    const ramp = [...DEFAULT_GATES, '  sources: { probes: false, command: "true" }'];
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp });
    const rps = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run', '--rps', '5'], { targetUrl: target.url });
    expect(rps.code).toBe(2);
    expect(rps.stderr).toContain('--rps: the probes are off (ramp.sources.probes: false)');
    // Without probes nothing has a known rate: the plan is not refused for samples.
    expect((await migrate(dir, ['ramp', '--env', 'canary', '--dry-run'], { targetUrl: target.url })).code).toBe(0);
    const bad = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run', '--min-samples', 'x'], { targetUrl: target.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--min-samples must be an integer >= 0');
  });
});
