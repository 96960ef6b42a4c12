// The gateway's nginx.conf and compose override, exactly as written (pure renderers).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gatewayLayout } from '../../src/core/gateway/layout.js';
import { gatewayUrl, renderGatewayConf, renderOverride } from '../../src/core/gateway/render.js';

const layout = gatewayLayout('/srv/shop', 'canary');

describe('gateway files', () => {
  it('nginx.conf: the include in http {}, loopback only on the host network, the access log in the location', () => {
    const conf = renderGatewayConf({ environment: 'canary', port: 8089, hostNetwork: true, headerNames: [], tries: 3 });
    expect(conf).toContain('    include /etc/nginx/migrate/llm-split.conf;\n    server {\n        listen 127.0.0.1:8089;\n        location /v1/ {');
    expect(conf).toContain('        access_log /var/log/migrate/access.json migrate_canary_json;');
    expect(conf).toContain('        proxy_next_upstream_tries 3;');
    expect(conf).toContain('    access_log off;');
    // On a compose network it listens on every address of its own container (the app reaches it by name).
    expect(renderGatewayConf({ environment: 'canary', port: 8089, hostNetwork: false, headerNames: [], tries: 2 })).toContain('        listen 8089;');
  });

  it('the override mounts directories (never single files), keeps the base version, and publishes on loopback only off the host network', () => {
    const host = parse(renderOverride({ environment: 'canary', image: 'nginx:stable', networkMode: 'host', port: 8089, layout, version: '2.4' }));
    expect(host).toEqual({
      version: '2.4',
      services: {
        'llm-gateway': {
          image: 'nginx:stable',
          command: ['nginx', '-c', '/etc/nginx/migrate/nginx.conf', '-g', 'daemon off;'],
          volumes: ['/srv/shop/llm-gateway/canary/conf:/etc/nginx/migrate:ro', '/srv/shop/llm-gateway/canary/logs:/var/log/migrate'],
          restart: 'unless-stopped',
          network_mode: 'host',
        },
      },
    });
    const bridge = parse(renderOverride({ environment: 'canary', image: 'nginx:stable', port: 8089, layout }));
    expect(bridge.version).toBeUndefined();
    expect(bridge.services['llm-gateway'].ports).toEqual(['127.0.0.1:8089:8089']);
    expect(gatewayUrl(8089, true)).toBe('http://127.0.0.1:8089/v1');
    expect(gatewayUrl(8089, false)).toBe('http://llm-gateway:8089/v1');
  });
});
