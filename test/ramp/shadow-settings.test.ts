// The shadow stage in stage lists and flags: where it may stand, what it needs, and how a plan,
// a state and a status name it.
import { describe, expect, it } from 'vitest';
import { crossChecks } from '../../src/core/config/checks.js';
import { configSchema } from '../../src/core/config/schema.js';
import { rampSettings } from '../../src/core/ramp/settings.js';
import { newRamp, parseRampState } from '../../src/core/state/ramp.js';

const raw = {
  version: 1,
  providers: { legacy: { baseUrl: 'http://l/v1', apiKey: 'k1' }, target: { baseUrl: 'http://t/v1', apiKey: 'k2' } },
  models: ['gpt-4.1'],
};
const nginx = { driver: 'nginx', file: 'split.conf' };
const config = configSchema.parse({
  ...raw,
  environments: { canary: { envFiles: ['.env'], traffic: nginx }, staging: { envFiles: ['.env'] } },
  ramp: { stages: ['shadow', 5, 20, 50, 100], shadow: 15 },
});

describe('shadow stage settings', () => {
  it('a leading shadow stage is weight 0 with the configured share; --shadow adds one or sets its share', () => {
    expect(rampSettings(config, config.environments.canary!, {})).toMatchObject({ stages: [0, 5, 20, 50, 100], shadow: 15 });
    expect(rampSettings(config, config.environments.canary!, { stages: '20,100', shadow: '10%' })).toMatchObject({ stages: [0, 20, 100], shadow: 10 });
    expect(rampSettings(config, config.environments.canary!, { stages: 'shadow,50,100' })).toMatchObject({ stages: [0, 50, 100], shadow: 15 });
    expect(rampSettings(config, config.environments.canary!, { stages: '50,100' }).shadow).toBeUndefined();
  });

  it('refuses a shadow stage on a driver that cannot copy requests, and bad shares or places (exit 2)', () => {
    const staging = config.environments.staging!;
    expect(() => rampSettings(config, staging, {})).toThrow(
      'ramp.stages: a shadow stage needs the nginx traffic driver (this environment uses env), which copies requests to target',
    );
    expect(() => rampSettings(config, staging, { stages: '5,100', shadow: '10%' })).toThrow('--shadow: a shadow stage needs the nginx traffic driver');
    expect(() => rampSettings(config, config.environments.canary!, { shadow: 'lots' })).toThrow('--shadow: expected the share of requests to copy to target, like 10%, got "lots"');
    expect(() => rampSettings(config, config.environments.canary!, { shadow: '0%' })).toThrow('--shadow: expected');
    expect(() => rampSettings(config, config.environments.canary!, { stages: '5,shadow,100' })).toThrow('--stages: shadow can only be the first stage');
  });

  it('migrate.yaml: shadow only first, weights still increasing, and a splitKey must be an nginx variable expression', () => {
    const bad = configSchema.parse({
      ...raw,
      environments: {
        canary: { envFiles: ['.env'], traffic: { ...nginx, splitKey: 'x-user-id' } },
        eu: { envFiles: ['.env'], traffic: { ...nginx, splitKey: '$http_x_user_id' } },
      },
      ramp: { stages: [5, 'shadow', 100] },
    });
    expect(crossChecks(bad)).toEqual([
      { path: ['ramp', 'stages', 1], text: 'shadow can only be the first stage (before any user is moved to target), e.g. [shadow, 5, 20, 50, 100]' },
      {
        path: ['environments', 'canary', 'traffic', 'splitKey'],
        text: '"x-user-id" is not an nginx variable expression: write e.g. $http_x_user_id (one user per X-User-Id header), $cookie_session or $request_id (the default, per request)',
      },
    ]);
  });

  it('the state records the shadow share of stage 1 and reads it back', () => {
    const state = newRamp({ environment: 'canary', stages: [0, 20, 100], shadow: 10, driver: 'nginx', now: 0 });
    expect(state.stages).toEqual([
      { weight: 0, mirror: 10, status: 'pending' },
      { weight: 20, status: 'pending' },
      { weight: 100, status: 'pending' },
    ]);
    expect(parseRampState(JSON.stringify(state), 'x.json').stages[0]).toEqual({ weight: 0, mirror: 10, status: 'pending' });
  });
});
