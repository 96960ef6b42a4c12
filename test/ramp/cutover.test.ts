// The cut-over at 100 % is the environment's, not the env driver's: with a command (or nginx)
// driver the env files end pointing at target for good too.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryProject, legacyEnvFile, migrate, probeRamp, providers, readState, TARGET_KEY } from './helpers.js';

const COMMAND_DRIVER_WITH_CUTOVER = [
  '  canary:',
  '    envFiles: [.env.canary]',
  '    traffic: { driver: command, command: "echo $MIGRATE_WEIGHT >> applied.log" }',
  '    cutover:',
  '      OPENAI_BASE_URL: ${TARGET_URL}',
  '      OPENAI_API_KEY: ${TARGET_KEY}',
];

describe('cut-over with a command driver', () => {
  it('the gateway gets each weight, and at 100 % the env files are pointed at target', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments: COMMAND_DRIVER_WITH_CUTOVER, ramp: probeRamp('50, 100', '800ms', '400ms') });

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    expect((await fs.readFile(path.join(dir, 'applied.log'), 'utf8')).trim().split('\n')).toEqual(['50', '100']);
    const expected = legacyEnvFile(legacy.url)
      .replace(legacy.url, target.url)
      .replace(/OPENAI_API_KEY=.*/, `OPENAI_API_KEY=${TARGET_KEY}`);
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(expected);
    expect((await readState(dir))?.status).toBe('completed');
  });
});
