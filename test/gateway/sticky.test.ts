// splitKey as a header on a real nginx (Debian's): at 50 % each user (X-User-Id) stays on one
// provider for all their requests, and users split between the providers about by the weight.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { appAgent, startNginx, type NginxRig } from '../helpers/nginx.js';

let legacy: FakeProvider;
let target: FakeProvider;
let rig: NginxRig;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy' });
  target = await startFakeProvider({ name: 'target' });
  const providers = { legacy: { baseUrl: legacy.url, apiKey: legacy.apiKey }, target: { baseUrl: target.url, apiKey: target.apiKey } };
  rig = await startNginx({
    include: renderNginxInclude({ environment: 'canary', weight: 50, splitKey: '$http_x_user_id', providers }),
    server: renderLocation('canary'),
  });
}, 30_000);

afterAll(async () => {
  await rig?.stop();
  appAgent.destroy();
  await legacy?.close();
  await target?.close();
});

/** Which provider served one request of `user` (X-Migrate-Provider), after checking it answered. */
function providerFor(user: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${rig.url}/v1/chat/completions`, { method: 'POST', agent: appAgent, headers: { 'x-user-id': user, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(String(res.headers['x-migrate-provider'])) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end('{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}');
  });
}

describe('sticky split on a header (splitKey: $http_x_user_id)', () => {
  it("keeps each user's requests on one provider, and splits users about by weight", async () => {
    const users = Array.from({ length: 60 }, (_, i) => `user-${i}`);
    const seen = new Map<string, Set<string>>();
    // Ten rounds, each user once per round, interleaved as real conversations are.
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all(users.map(async (u) => [u, await providerFor(u)] as const));
      for (const [u, p] of answers) (seen.get(u) ?? seen.set(u, new Set()).get(u)!).add(p);
    }
    expect([...seen.values()].filter((s) => s.size > 1)).toEqual([]);
    const onTarget = users.filter((u) => seen.get(u)!.has('target')).length;
    // 50 % of 60 users (binomial sd ≈ 3.9): outside 15..45 is a broken split, not chance.
    expect(onTarget).toBeGreaterThanOrEqual(15);
    expect(onTarget).toBeLessThanOrEqual(45);
    // The providers received exactly those users' requests.
    expect(target.count({ path: '/v1/chat/completions' })).toBe(onTarget * 10);
    expect(legacy.count({ path: '/v1/chat/completions' })).toBe((60 - onTarget) * 10);
  });

  it('a request without the header is hashed as the empty key: all of them go one way', async () => {
    const without = await Promise.all(Array.from({ length: 20 }, () => providerFor('')));
    expect(new Set(without).size).toBe(1);
  });
});
