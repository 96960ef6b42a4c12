// Which places of a provider become hops, in which order, and how the include routes to them.
import { describe, expect, it } from 'vitest';
import { hopAddress, orderHops, providerHops } from '../../src/core/traffic/nginx-hops.js';
import { nodeOrderOf, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';

const legacy = { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-legacy-000000000000000000001' };
const target = {
  baseUrl: 'https://eu.relay.example/v1',
  apiKey: 'sk-target-000000000000000000002',
  nodes: [
    { id: 'eu', baseUrl: 'https://eu.relay.example/v1/' },
    { id: 'us', baseUrl: 'https://us.relay.example/v1', apiKey: 'sk-us-0000000000000000000003' },
    { id: 'eu-again', baseUrl: 'https://eu.relay.example/v1' },
  ],
};

describe('per-node hops', () => {
  it('one hop per distinct place: the base URL joins the node at the same place, duplicates are one', () => {
    const hops = providerHops('canary', 'target', target);
    expect(hops.map((h) => h.id)).toEqual(['eu', 'us']);
    expect(new Set(hops.map((h) => h.listen)).size).toBe(2);
    expect(hops[0]!.listen).toBe(hopAddress('canary', 'target', 'eu'));
    expect(hops[0]!.listen).toMatch(/^127\.(?!0\.)\d+\.\d+\.\d+:2\d{4}$/);
    // Another environment's hops listen elsewhere: two includes can share one nginx.
    expect(hopAddress('prod', 'target', 'eu')).not.toBe(hops[0]!.listen);
    expect(providerHops('canary', 'legacy', legacy)).toEqual([]);
  });

  it('orders by the measured ids, the rest after in config order', () => {
    const hops = [...providerHops('canary', 'target', target), ...providerHops('canary', 'target', { ...target, nodes: [{ id: 'ap', baseUrl: 'https://ap.relay.example/v1' }] })];
    expect(orderHops(hops, ['us']).map((h) => h.id)).toEqual(['us', 'eu', 'target', 'ap']);
  });

  it('routes a provider with nodes through its hops and one without directly', () => {
    const include = renderNginxInclude({ environment: 'canary', weight: 20, splitKey: '$request_id', providers: { legacy, target }, order: { target: ['us'] } });
    expect(include).toContain('upstream migrate_canary_legacy {\n    server api.openai.com:443;\n    keepalive 16;\n}');
    expect(include).toContain(
      `upstream migrate_canary_target {\n    server ${hopAddress('canary', 'target', 'us')} max_fails=2 fail_timeout=10s;  # us\n    server ${hopAddress('canary', 'target', 'eu')} max_fails=2 fail_timeout=10s backup;  # eu\n    keepalive 16;\n}`,
    );
    expect(include).toContain(
      'map $migrate_canary_provider $migrate_canary_pass {\n    target  http://migrate_canary_target$migrate_canary_rest;\n    default https://migrate_canary_legacy/v1$migrate_canary_rest;\n}',
    );
    expect(include).toContain('proxy_set_header Authorization "Bearer sk-us-0000000000000000000003";');
    expect(nodeOrderOf({ environment: 'canary', providers: { legacy, target }, order: { target: ['us'] } })).toEqual({ legacy: [], target: ['us', 'eu'] });
  });
});
