// Stage lists and flag precedence, and the live line a person sees at a terminal.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/core/config/schema.js';
import { makeColors } from '../../src/core/output/color.js';
import { liveLine } from '../../src/core/ramp/render.js';
import { rampSettings } from '../../src/core/ramp/settings.js';

const raw = {
  version: 1,
  providers: { legacy: { baseUrl: 'http://l/v1', apiKey: 'k1' }, target: { baseUrl: 'http://t/v1', apiKey: 'k2' } },
  models: ['gpt-4.1'],
};
const config = configSchema.parse({
  ...raw,
  environments: { canary: { envFiles: ['.env'], ramp: { soak: '30s', gates: { maxErrorRate: 0.05 } } } },
  ramp: { stages: [5, 20, 50, 100], soak: '60s', interval: '10s' },
});
const canary = config.environments.canary!;

describe('ramp settings', () => {
  it('validates when --validate or the config asks: top-level ramp.validate, overridden per environment', () => {
    expect(rampSettings(config, canary, {}).validate).toBe(false);
    expect(rampSettings(config, canary, { validate: true }).validate).toBe(true);
    const asks = configSchema.parse({
      ...raw,
      ramp: { validate: true },
      environments: { canary: { envFiles: ['.env'] }, staging: { envFiles: ['.env'], ramp: { validate: false } } },
    });
    expect(rampSettings(asks, asks.environments.canary!, {}).validate).toBe(true);
    expect(rampSettings(asks, asks.environments.staging!, {}).validate).toBe(false);
    expect(rampSettings(asks, asks.environments.staging!, { validate: true }).validate).toBe(true);
  });

  it('layers defaults < top-level ramp < environment ramp < flags', () => {
    const s = rampSettings(config, canary, {});
    expect(s).toMatchObject({ stages: [5, 20, 50, 100], soakMs: 30_000, intervalMs: 10_000, warnings: [] });
    expect(s.gates).toMatchObject({ maxErrorRate: 0.05, maxP95Ms: 3000 });
    expect(rampSettings(config, canary, { stages: '10, 50,100', soak: '2s', interval: '500ms' })).toMatchObject({ stages: [10, 50, 100], soakMs: 2000, intervalMs: 500 });
  });

  it('refuses stages that do not move traffic forward, and warns when the last is not 100', () => {
    expect(() => rampSettings(config, canary, { stages: '10,10,100' })).toThrow('--stages: stages must increase, got 10, 10, 100');
    expect(() => rampSettings(config, canary, { stages: '0,50' })).toThrow('--stages: 0 is outside 0 < weight <= 100');
    expect(() => rampSettings(config, canary, { stages: '50,120' })).toThrow('120 is outside');
    expect(() => rampSettings(config, canary, { stages: '10,x' })).toThrow('"x" is not a number');
    expect(() => rampSettings(config, canary, { soak: 'soon' })).toThrow('--soak: expected a duration');
    expect(() => rampSettings(config, canary, { soak: '0s' })).toThrow('--soak must be more than 0, got 0ms');
    expect(rampSettings(config, canary, { stages: '10,50' }).warnings).toEqual(['the last stage is 50%: the ramp ends without cutting over to target']);
  });
});

describe('the live line', () => {
  it('shows stage, weight, soak progress and both providers\u2019 figures', () => {
    const line = liveLine(
      { stage: 2, of: 4, weight: 20, elapsedMs: 15_000, soakMs: 60_000, target: { requests: 40, errors: 2, p95Ms: 812 }, legacy: { requests: 40, errors: 0, p95Ms: 640 } },
      makeColors(false),
    );
    expect(line).toBe('stage 2/4 20% [█████░░░░░░░░░░░░░░░] 15s/1m · target err 5.0% p95 812ms (40) · legacy err 0.0% p95 640ms (40)');
  });
});
