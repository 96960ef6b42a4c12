// The nginx driver end to end with a real nginx (Debian package): at 20 % the split is real,
// and after the ramp rolls itself back no request reaches the target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { NGINX_BIN, type NginxRig, postThrough, startGateway } from '../helpers/nginx.js';
import { canaryProject, LEGACY_KEY, probeRamp, readState, soakingAt, spawnMigrate, TARGET_KEY, waitForState } from './helpers.js';

let legacy: FakeProvider;
let target: FakeProvider;
let rig: NginxRig;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: LEGACY_KEY });
  target = await startFakeProvider({ name: 'target', apiKey: TARGET_KEY });
  rig = await startGateway({ legacy, target });
});
afterAll(async () => {
  await rig?.stop();
  await legacy?.close();
  await target?.close();
});

/** The app's request through nginx; model gpt-4o tells it from the ramp's probes (gpt-4.1). */
const post = () => postThrough(`${rig.url}/v1/chat/completions`, '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}');

async function send(n: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < n) await post();
    }),
  );
}

const app = { model: 'gpt-4o' };

describe('ramp with the nginx driver (real nginx)', () => {
  it('splits 20 % to target at stage 20 %, then after the rollback sends none there', async () => {
    const dir = canaryProject({
      legacyUrl: legacy.url,
      targetUrl: target.url,
      environments: [
        '  canary:',
        '    envFiles: [.env.canary]',
        `    traffic: { driver: nginx, file: ${rig.includeFile}, binary: ${NGINX_BIN}, args: ${JSON.stringify(rig.args)} }`,
      ],
      ramp: probeRamp('20, 100', '60s', '500ms'),
    });
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    await waitForState(dir, soakingAt(20));

    target.resetCounts();
    legacy.resetCounts();
    await send(2000);
    const share = target.count(app) / 2000;
    expect(target.count(app) + legacy.count(app)).toBe(2000);
    expect(share).toBeGreaterThan(0.17);
    expect(share).toBeLessThan(0.23);

    target.setFaults({ error: { status: 503 } });
    const r = await ramp;
    expect(r.exitCode, String(r.stderr)).toBe(1);
    expect((await readState(dir))?.status).toBe('rolled-back');
    expect(String(r.stderr)).toMatch(/nginx driver at 0%/);

    target.resetFaults();
    target.resetCounts();
    legacy.resetCounts();
    await send(300);
    expect(target.count(app)).toBe(0);
    expect(legacy.count(app)).toBe(300);
  }, 60_000);
});
