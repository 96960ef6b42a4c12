// A person at a terminal (a real pseudo-terminal): production asks before the first stage, and
// Ctrl-C during a soak offers pause / roll back / continue.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAtTerminal } from '../helpers/terminal.js';
import { BIN, LEGACY_KEY, TARGET_KEY, canaryProject, legacyEnvFile, probeRamp, providers } from './helpers.js';

const PRODUCTION = ['  production:', '    envFiles: [.env.canary]', '    cutover:', '      OPENAI_BASE_URL: ${TARGET_URL}', '      OPENAI_API_KEY: ${TARGET_KEY}'];
const SLOW_RAMP = probeRamp('10, 100', '20s', '500ms');

async function production() {
  const { legacy, target } = await providers();
  const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments: PRODUCTION, ramp: SLOW_RAMP });
  const env = { LEGACY_KEY, TARGET_KEY, TARGET_URL: target.url, MIGRATE_ENV: '', MIGRATE_CONFIG: '' };
  return { dir, env, legacy, envFile: () => readFileSync(path.join(dir, '.env.canary'), 'utf8') };
}

describe('migrate ramp at a terminal', () => {
  it('production: "n" at the first confirmation changes nothing (exit 130)', async () => {
    const p = await production();
    const r = await runAtTerminal([process.execPath, BIN, 'ramp', '--env', 'production'], {
      cwd: p.dir,
      env: p.env,
      answers: [{ when: "Start shifting production's traffic to target", keys: 'n\r' }],
    });
    expect(r.code, r.screen).toBe(130);
    expect(p.envFile()).toBe(legacyEnvFile(p.legacy.url));
  });

  it('Ctrl-C during the soak, then "roll back now": traffic is back on legacy (exit 1)', async () => {
    const p = await production();
    const r = await runAtTerminal([process.execPath, BIN, 'ramp', '--env', 'production'], {
      cwd: p.dir,
      env: p.env,
      timeoutMs: 30_000,
      answers: [
        { when: "Start shifting production's traffic to target", keys: 'y\r' },
        { when: 'of traffic on target, soaking', keys: '\x03' },
        { when: 'What now?', keys: '\x1b[B\r' }, // down to "roll back now"
      ],
    });
    expect(r.code, r.screen).toBe(1);
    expect(r.screen).toContain('the operator chose to roll back at stage 10%');
    expect(p.envFile()).toBe(legacyEnvFile(p.legacy.url));
    for (const key of [LEGACY_KEY, TARGET_KEY]) expect(r.screen).not.toContain(key);
  });
});
