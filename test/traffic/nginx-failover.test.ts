// Node failover in the include, against a real nginx (Debian package): target has three nodes on
// loopback (same host, other ports, same key), each behind its hop in the provider's upstream
// (the first primary, the others backups); a node that refuses connections or answers 503 costs
// the app no failed request. Nodes on other hosts: nginx-hops.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hopAddress } from '../../src/core/traffic/nginx-hops.js';
import { renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { appAgent, postThrough, startNginx, type NginxRig } from '../helpers/nginx.js';
import { closedPort } from '../helpers/ports.js';

const KEYS = { legacy: 'sk-legacy-failover-0000000001', target: 'sk-target-failover-0000000002' };
const CHAT = '{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}';

let legacy: FakeProvider;
let east: FakeProvider;
let north: FakeProvider;
let rig: NginxRig;
let deadPort: number;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  east = await startFakeProvider({ name: 'east', apiKey: KEYS.target });
  north = await startFakeProvider({ name: 'north', apiKey: KEYS.target });
  deadPort = await closedPort();
  const providers = {
    legacy: { baseUrl: legacy.url, apiKey: KEYS.legacy },
    target: {
      baseUrl: east.url,
      apiKey: KEYS.target,
      nodes: [
        { id: 'east', baseUrl: east.url },
        { id: 'north', baseUrl: north.url },
        { id: 'down', baseUrl: `http://127.0.0.1:${deadPort}/v1` },
      ],
    },
  };
  const include = renderNginxInclude({ environment: 'canary', weight: 100, splitKey: '$request_id', providers });
  const hop = (id: string) => hopAddress('canary', 'target', id);
  expect(include).toContain(
    `upstream migrate_canary_target {\n    server ${hop('east')} max_fails=2 fail_timeout=10s;  # east\n    server ${hop('north')} max_fails=2 fail_timeout=10s backup;  # north\n    server ${hop('down')} max_fails=2 fail_timeout=10s backup;  # down\n`,
  );
  rig = await startNginx({ include, server: renderLocation('canary', [], { tries: 3 }) });
});

afterAll(async () => {
  await rig?.stop();
  appAgent.destroy();
  await Promise.all([legacy?.close(), east?.close(), north?.close()]);
});

async function send(n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push(await postThrough(`${rig.url}/v1/chat/completions`, CHAT));
  return statuses;
}

describe('nginx include: node failover', () => {
  it('a node answering 503 or refusing connections is passed over within the request: every request succeeds on a healthy node', async () => {
    east.setFaults({ error: { status: 503 } });
    const statuses = await send(30);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(north.requests.filter((r) => r.path === '/v1/chat/completions' && r.status === 200).length).toBe(30);
    expect(north.requests.every((r) => r.authorized)).toBe(true);
    // Passive health: after max_fails the failing node is skipped for fail_timeout, not tried on every request.
    expect(east.requests.length).toBeLessThan(10);
    expect(legacy.requests).toEqual([]);
  });

  it('when every node fails, the app gets the error after `tries` nodes (no endless retrying)', async () => {
    east.setFaults({ error: { status: 503 } });
    north.setFaults({ error: { status: 503 } });
    await new Promise((r) => setTimeout(r, 100));
    const before = east.requests.length + north.requests.length;
    const statuses = await send(1);
    expect(statuses[0]).toBeGreaterThanOrEqual(500);
    expect(east.requests.length + north.requests.length - before).toBeLessThanOrEqual(3);
  });
});
