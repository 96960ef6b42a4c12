// A shadow stage through the gateway container of a real compose app (docker compose, the nginx
// image from .ci/docker.sh, the busybox app looping requests, two fake providers): the app's
// requests are all answered by legacy while copies of a sampled share reach target.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nginxImageAvailable } from '../helpers/docker.js';
import { migrate, readState, spawnMigrate, waitForState } from '../ramp/helpers.js';
import { gatewayApp, moreAppRequests, providerOf } from './helpers.js';

describe.skipIf(!(await nginxImageAvailable()))('a shadow stage through the gateway', () => {
  it('sends copies of the sampled share to target while every answer the app gets comes from legacy', async () => {
    // Target names the model its own way: the gateway container renames it (njs) in the copies.
    const { dir, port, legacy, target, app } = await gatewayApp({ targetModels: { 'gpt-4.1': 'relay-gpt-4.1' } });
    const setup = await migrate(dir, ['gateway', 'setup', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(setup.code, setup.stderr).toBe(0);

    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary', '--yes', '--shadow', '50%', '--stages', '50', '--soak', '4s'], { targetUrl: target.url });
    await waitForState(dir, (s) => s.current === 0 && s.stages[0]?.status === 'soaking', 60_000);
    const failedBefore = (await app.results()).filter((r) => r === 'fail').length;
    const legacyBefore = app.at(legacy).length;
    // The app's own requests are copied to target (same body, target's key)...
    await moreAppRequests(() => app.at(target), 3, "copies of the app's requests to reach target");
    expect(app.at(target).every((r) => r.authorized)).toBe(true);
    expect(new Set(app.at(target).map((r) => (r.body as { model?: string }).model))).toEqual(new Set(['relay-gpt-4.1']));
    expect(new Set(app.at(legacy).map((r) => (r.body as { model?: string }).model))).toEqual(new Set(['gpt-4.1']));
    // ...while every answer comes from legacy: the gateway's provider header, and legacy got them all.
    const providers = await Promise.all(Array.from({ length: 20 }, () => providerOf(port)));
    expect(new Set(providers)).toEqual(new Set(['legacy']));
    expect(app.at(legacy).length).toBeGreaterThan(legacyBefore);
    const state = await readState(dir);
    const stillShadow = state?.current === 0;

    const r = await ramp;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).toMatch(/stage shadow 50%: real traffic: target 0\.0% errors p95 \d+ms \(\d+ req\)/);
    expect((await readState(dir))?.stages[0]).toMatchObject({ weight: 0, mirror: 50, status: 'passed' });
    // The copies are in the gateway's log, marked, and the app saw no failure during the shadow stage.
    const log = (await fs.readFile(path.join(dir, 'llm-gateway/canary/logs/access.json'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(log.some((l) => l.mirror === '1' && l.provider === 'target' && l.status === '200')).toBe(true);
    expect(stillShadow).toBe(true);
    expect((await app.results()).filter((r) => r === 'fail').length).toBe(failedBefore);
  }, 150_000);
});
