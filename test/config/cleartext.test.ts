// A base URL over http:// to another host sends the API key unencrypted: `config` and `check` warn,
// naming the provider and the field; with --strict they refuse (exit 2) before any request. Loopback
// (the fake providers here, a local gateway) is not warned about.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { project } from './helpers.js';

const KEYS = { LEGACY_KEY: 'sk-legacy-cleartext-0123456789', TARGET_KEY: 'sk-target-cleartext-9876543210' };
let legacy: FakeProvider;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.LEGACY_KEY });
});
afterAll(() => legacy.close());

function configured(): string {
  return project({
    'migrate.yaml': `version: 1
providers:
  legacy: { baseUrl: "${legacy.url}", apiKey: "\${LEGACY_KEY}" }
  target:
    baseUrl: "http://relay.example/v1"
    apiKey: "\${TARGET_KEY}"
    nodes:
      - { id: local, baseUrl: "http://localhost:8080/v1" }
      - { id: lan, baseUrl: "http://10.0.0.7:3000/v1" }
models: [gpt-4.1]
`,
  });
}

const migrate = (cwd: string, args: string[]) => runCli(args, { cwd, env: KEYS });

const TARGET_WARNING = 'migrate.yaml:5 providers.target.baseUrl is http:// to relay.example: the target API key crosses the network unencrypted; use https://';
const NODE_WARNING = 'migrate.yaml:9 providers.target.nodes[1].baseUrl is http:// to 10.0.0.7: the target API key crosses the network unencrypted; use https://';

describe('http:// to a host other than loopback', () => {
  it('config warns naming the provider and field, and exits 0', async () => {
    const r = await migrate(configured(), ['config']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(TARGET_WARNING);
    expect(r.stderr).toContain(NODE_WARNING);
    expect(r.stderr).not.toContain('localhost');
    expect(r.stderr).not.toContain('providers.legacy.baseUrl');
  });

  it('config --strict and check --strict refuse with exit 2, sending nothing', async () => {
    const cwd = configured();
    legacy.resetCounts();
    for (const args of [
      ['config', '--strict'],
      ['check', '--strict', '--provider', 'legacy'],
    ]) {
      const r = await migrate(cwd, args);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toContain('migrate.yaml: 2 warnings, and --strict treats them as errors');
      expect(r.stderr).toContain(TARGET_WARNING);
    }
    expect(legacy.requests).toEqual([]);
  });

  it('check warns too, and still checks', async () => {
    const r = await migrate(configured(), ['check', '--provider', 'legacy', '--samples', '1']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(TARGET_WARNING);
    expect(legacy.count({ path: '/v1/chat/completions' })).toBeGreaterThan(0);
  });
});
