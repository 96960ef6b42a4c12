// A person at a terminal (a real pseudo-terminal): production asks before the first stage, and
// Ctrl-C during a soak offers pause / roll back / continue.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliAtTerminal } from '../helpers/cli.js';
import { LEGACY_KEY, TARGET_KEY, canaryProject, legacyEnvFile, migrate, probeRamp, providers, readState } from './helpers.js';

const PRODUCTION = ['  production:', '    envFiles: [.env.canary]', '    cutover:', '      OPENAI_BASE_URL: ${TARGET_URL}', '      OPENAI_API_KEY: ${TARGET_KEY}'];
const SLOW_RAMP = probeRamp('10, 100', '20s', '500ms');

async function production(ramp = SLOW_RAMP) {
  const { legacy, target } = await providers();
  const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments: PRODUCTION, ramp });
  const env = { LEGACY_KEY, TARGET_KEY, TARGET_URL: target.url };
  return {
    dir,
    env,
    legacy,
    target,
    envFile: () => readFileSync(path.join(dir, '.env.canary'), 'utf8'),
    state: () => readState(dir, 'production'),
    locked: () => existsSync(path.join(dir, '.migrate/locks/production.lock')),
  };
}

const START = { when: "Start shifting production's traffic to target", keys: 'y\r' };
const SOAKING = { when: 'of traffic on target, soaking', keys: '\x03' };
const CUT_OVER = 'Cut production over';

describe('migrate ramp at a terminal', () => {
  it('production: "n" at the first confirmation changes nothing (exit 130)', async () => {
    const p = await production();
    const r = await runCliAtTerminal(['ramp', '--env', 'production'], {
      cwd: p.dir,
      env: p.env,
      answers: [{ when: "Start shifting production's traffic to target", keys: 'n\r' }],
    });
    expect(r.code, r.screen).toBe(130);
    expect(p.envFile()).toBe(legacyEnvFile(p.legacy.url));
  });

  it('Ctrl-C during the soak, then "roll back now": traffic is back on legacy (exit 1)', async () => {
    const p = await production();
    const r = await runCliAtTerminal(['ramp', '--env', 'production'], {
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

  it('Ctrl-C during the soak, then "pause here": paused at 10 %, lock released, resumable (exit 130)', async () => {
    const p = await production();
    const r = await runCliAtTerminal(['ramp', '--env', 'production'], {
      cwd: p.dir,
      env: p.env,
      answers: [START, SOAKING, { when: 'What now?', keys: '\r' }], // "pause here" is the default
    });
    expect(r.code, r.screen).toBe(130);
    expect(p.envFile()).toContain('LLM_TARGET_WEIGHT=10\n');
    expect(p.envFile()).toContain(`OPENAI_BASE_URL=${p.legacy.url}`);
    expect(await p.state()).toMatchObject({ status: 'paused', reason: 'paused by the operator at stage 10%', appliedWeight: 10 });
    expect(p.locked()).toBe(false);
    const status = await migrate(p.dir, ['status', '--env', 'production'], { targetUrl: p.target.url });
    expect(status.stdout).toContain('production: paused (paused by the operator at stage 10%)');
    expect(status.stdout).toContain('lock: free');
  });

  it('Ctrl-C during the soak, then "continue the ramp": it goes on to completion (exit 0)', async () => {
    const p = await production(probeRamp('10, 100', '2s', '400ms'));
    const r = await runCliAtTerminal(['ramp', '--env', 'production'], {
      cwd: p.dir,
      env: p.env,
      answers: [START, SOAKING, { when: 'What now?', keys: '\x1b[B\x1b[B\r' }, { when: CUT_OVER, keys: 'y\r' }], // down twice to "continue"
    });
    expect(r.code, r.screen).toBe(0);
    // The soak is one line redrawn in place (\r, no new line): a bar, the time, both providers' figures.
    const redraws = r.screen.match(/\rstage 2\/2 100% \[[█░]{20}\] [^\r\n]+\/2s · target err [^\r\n]+ · legacy err [^\r\n]+/g) ?? [];
    expect(redraws.length, r.screen).toBeGreaterThanOrEqual(2);
    expect(await p.state()).toMatchObject({ status: 'completed', appliedWeight: 100 });
    expect(p.envFile()).toContain('LLM_TARGET_WEIGHT=100\n');
    expect(p.envFile()).toContain(`OPENAI_API_KEY=${TARGET_KEY}`);
    expect(p.locked()).toBe(false);
  });

  it('"n" at the cut-over question pauses before 100 %: the weight stays at the last stage (exit 130)', async () => {
    const p = await production(probeRamp('10, 100', '1s', '400ms'));
    const r = await runCliAtTerminal(['ramp', '--env', 'production'], {
      cwd: p.dir,
      env: p.env,
      answers: [START, { when: CUT_OVER, keys: 'n\r' }],
    });
    expect(r.code, r.screen).toBe(130);
    expect(await p.state()).toMatchObject({ status: 'paused', reason: 'the cut-over to 100% was not confirmed', appliedWeight: 10 });
    expect(p.envFile()).toContain('LLM_TARGET_WEIGHT=10\n');
    expect(p.envFile()).toContain(`OPENAI_API_KEY=${LEGACY_KEY}`);
    expect(p.locked()).toBe(false);
  });
});
