// Fastest healthy node first: at a stage apply the nginx driver measures each node as `check`
// does (real requests to fake providers on loopback) and writes the include with the fastest
// node as the primary. A real nginx (Debian package) then sends every request to that node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerSchema } from '../../src/core/config/schema.js';
import { createRunner } from '../helpers/run.js';
import { nginxDriver } from '../../src/core/traffic/nginx.js';
import { renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import { describeNodeOrder, measureNodeOrder } from '../../src/core/traffic/node-order.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { appAgent, NGINX_BIN, postThrough, startNginx, type NginxRig } from '../helpers/nginx.js';
import { closedPort } from '../helpers/ports.js';

const KEY = 'sk-target-order-000000000000001';
let legacy: FakeProvider;
let slow: FakeProvider;
let fast: FakeProvider;
let rig: NginxRig;
let deadPort: number;
const run = createRunner();

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy' });
  // Listed first in the config, but 250 ms slower on every request.
  slow = await startFakeProvider({ name: 'slow', apiKey: KEY, faults: { latency: { ms: 250 } } });
  fast = await startFakeProvider({ name: 'fast', host: '127.0.0.2', apiKey: KEY });
  deadPort = await closedPort();
}, 30_000);

afterAll(async () => {
  await rig?.stop();
  appAgent.destroy();
  await Promise.all([legacy?.close(), slow?.close(), fast?.close()]);
});

function providers() {
  return {
    legacy: providerSchema.parse({ baseUrl: legacy.url, apiKey: legacy.apiKey }),
    target: providerSchema.parse({
      baseUrl: slow.url,
      apiKey: KEY,
      nodes: [
        { id: 'down', baseUrl: `http://127.0.0.1:${deadPort}/v1` },
        { id: 'slow', baseUrl: slow.url },
        { id: 'fast', baseUrl: fast.url },
      ],
    }),
  };
}

describe('node order from measured latency', () => {
  it("orders a provider's nodes by check's p50; a node that cannot be measured goes last", async () => {
    const order = await measureNodeOrder({ environment: 'canary', providers: providers(), models: ['gpt-4.1'], processEnv: {}, samples: 3, timeoutMs: 15_000 });
    expect(order.legacy).toEqual([]); // one endpoint: no failover, nothing measured
    expect(order.target.map((n) => n.id)).toEqual(['fast', 'slow', 'down']);
    const [f, s, d] = order.target;
    expect(s!.p50Ms! - f!.p50Ms!).toBeGreaterThanOrEqual(150);
    expect(d!.p50Ms).toBeUndefined();
    expect(d!.error).toBeTruthy();
    expect(describeNodeOrder(order)).toMatch(/^target nodes fast p50 \d+ms → slow p50 \d+ms → down \(not measured\)$/);
    // check's requests: the nodes' own key, each at its own host.
    expect(fast.requests.every((r) => r.authorized && r.host === `127.0.0.2:${fast.port}`)).toBe(true);
  });

  it('the driver applies each stage with the fastest node as primary: every request goes there', async () => {
    const p = providers();
    rig = await startNginx({ include: renderNginxInclude({ environment: 'canary', weight: 0, splitKey: '$request_id', providers: p }), server: renderLocation('canary') });
    const measure = () => measureNodeOrder({ environment: 'canary', providers: p, models: ['gpt-4.1'], processEnv: {}, timeoutMs: 15_000 });
    const driver = nginxDriver({
      environment: 'canary',
      file: rig.includeFile,
      binary: NGINX_BIN,
      args: rig.args,
      splitKey: '$request_id',
      providers: p,
      reloadSettleMs: 300,
      measureNodes: measure,
    });
    const applied = await driver.apply(100, { run });
    expect(applied.appliedWeight).toBe(100);
    expect(applied.nodeOrder!.target.map((n) => n.id)).toEqual(['fast', 'slow', 'down']);
    fast.resetCounts();
    slow.resetCounts();
    for (let i = 0; i < 20; i++) expect(await postThrough(`${rig.url}/v1/chat/completions`, '{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}')).toBe(200);
    expect(fast.count({ path: '/v1/chat/completions' })).toBe(20);
    expect(slow.count({ path: '/v1/chat/completions' })).toBe(0);
    // A rollback does not measure (it must be fast) and keeps the order it had.
    const before = fast.requests.length + slow.requests.length;
    const reset = await driver.reset({ run });
    expect(reset.appliedWeight).toBe(0);
    expect(fast.requests.length + slow.requests.length).toBe(before);
  }, 30_000);
});

describe('the stage line', () => {
  it('says which node is primary and the p50 that chose it', async () => {
    const { makeColors } = await import('../../src/core/output/color.js');
    const { eventLine } = await import('../../src/core/ramp/render.js');
    const nodeOrder = {
      legacy: [],
      target: [
        { id: 'fast', p50Ms: 12 },
        { id: 'slow', p50Ms: 140 },
        { id: 'down', error: 'connect ECONNREFUSED' },
      ],
    };
    const line = eventLine(
      { event: 'stage', time: '', environment: 'canary', stage: 2, of: 4, weight: 20, status: 'soaking', appliedWeight: 20, nodeOrder } as never,
      makeColors(false),
    );
    expect(line).toBe('stage 2/4: 20% of traffic on target, soaking; target nodes fast p50 12ms → slow p50 140ms → down (not measured)');
  });
});
