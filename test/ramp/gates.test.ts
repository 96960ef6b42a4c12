// Gates that cannot tell: an inconclusive stage extends then fails in CI; an unreachable
// Prometheus is retried, never taken as a pass, and aborts after several errors in a row.
import { describe, expect, it } from 'vitest';
import { closedPort } from '../helpers/ports.js';
import { canaryProject, legacyEnvFile, migrate, providers, readState } from './helpers.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';

describe('gates that cannot decide', () => {
  it('an inconclusive stage extends the soak, then rolls back in CI', async () => {
    const { legacy, target } = await providers();
    const verdict = `echo '{"verdict":"inconclusive","reason":"only 3 real requests"}'`;
    const dir = canaryProject({
      legacyUrl: legacy.url,
      targetUrl: target.url,
      ramp: [
        '  stages: [10, 100]',
        '  soak: 600ms',
        '  interval: 300ms',
        '  gates: { maxExtensions: 2 }',
        '  sources:',
        '    probes: false',
        `    command: ${JSON.stringify(verdict)}`,
      ],
    });

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('stage 10%: command says inconclusive: only 3 real requests → extending the soak by 1s (1/2)');
    expect(r.stderr).toContain('→ extending the soak by 1s (2/2)');
    const state = await readState(dir);
    expect(state?.status).toBe('rolled-back');
    expect(state?.reason).toBe('stage 10%: command says inconclusive: only 3 real requests → rolling back: still inconclusive after 2 extensions');
    expect(state?.gates.every((g) => g.outcome === 'inconclusive')).toBe(true);
    expect(state?.stages[1]?.status).toBe('pending'); // never advanced
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(legacyEnvFile(legacy.url));
  });

  it('an unreachable Prometheus is retried soon (not an interval later), not passed, and aborts after 3 errors in a row', async () => {
    const { legacy, target } = await providers();
    const port = await closedPort();
    const dir = canaryProject({
      legacyUrl: legacy.url,
      targetUrl: target.url,
      ramp: [
        '  stages: [10, 100]',
        '  soak: 20s',
        '  interval: 2s',
        '  gates: { maxSourceErrors: 3, errorRetry: 200ms }',
        '  sources:',
        '    probes: false',
        '    prometheus:',
        `      url: http://127.0.0.1:${port}`,
        '      errorRate: sum(rate(errors[1m]))',
      ],
    });

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(1);
    const state = await readState(dir);
    expect(state?.gates.map((g) => `${g.outcome}:${g.action}`)).toEqual(['error:continue', 'error:continue', 'error:rollback']);
    expect(state?.gates[0]?.line).toMatch(/prometheus: .*127\.0\.0\.1:\d+ unreachable: .* → retrying in 200ms \(1 of 3 errors in a row\)/);
    // The readings after an error come after errorRetry, well within the 2 s interval: not ~6 s blind.
    const at = state!.gates.map((g) => Date.parse(g.at));
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeLessThan(1000);
    expect(state?.reason).toMatch(/rolling back: gates unreadable 3 times in a row$/);
    expect(state?.stages.map((s) => s.status)).toEqual(['failed', 'pending']);
  });
});
