// `migrate check` on the first things a migration gets wrong: the key, /models, the model name and
// the token-limit parameter.
import { describe, expect, it } from 'vitest';
import { check, configYaml, endpoint, expectExit, json, providers, TARGET_KEY } from './helpers.js';

describe('migrate check: auth', () => {
  it('exits 1 on a refused key with the key and /v1 hint, and sends nothing after the 401', async () => {
    const { legacy, target } = await providers({ apiKey: 'the-key-the-relay-wants-0000' });
    const result = await check(configYaml({ legacyUrl: legacy.url, targetUrl: target.url }), ['--samples', '2']);
    expectExit(result, 1);
    expect(result.stdout).toMatch(/✗ target main: auth: HTTP 401, the key was refused/);
    expect(result.stdout).toContain(
      "→ check the API key: this provider's own (not the other provider's), complete (not cut short); spaces or quotes around it are already dropped. Check baseUrl too: it usually ends in /v1",
    );
    expect(result.stdout).toMatch(/^legacy\s.*pass$/m);
    expect(result.stderr).toContain('some checks failed');
    expect(target.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /v1/models 401']);
    expect(result.stdout + result.stderr).not.toContain(TARGET_KEY);
  });

  it('sends a key pasted with quotes around it as the bare key (as validate and the nginx driver do)', async () => {
    const { legacy, target } = await providers();
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url }).replace('apiKey: ${TARGET_KEY}', 'apiKey: \'"${TARGET_KEY}"\'');
    const result = await check(yaml, ['--provider', 'target', '--samples', '1']);
    expectExit(result, 0);
    expect(target.count({ path: '/v1/chat/completions', status: 200 })).toBeGreaterThan(0);
    expect(target.count({ status: 401 })).toBe(0);
    expect(result.stderr).toContain('migrate.yaml:8 providers.target.apiKey has quotes around it; they are dropped before the key is sent');
    expect(result.stdout + result.stderr).not.toContain(TARGET_KEY);
  });
});

describe('migrate check: /models', () => {
  const notServed = {
    'an HTML page': { html: { paths: ['/v1/models'] } },
    'a 404': { error: { paths: ['/v1/models'], status: 404 } },
  };

  for (const [what, faults] of Object.entries(notServed)) {
    it(`warns but passes when /models answers with ${what}`, async () => {
      const { legacy, target } = await providers({ faults });
      const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url });
      const result = await check(yaml, ['--provider', 'target', '--samples', '1']);
      expectExit(result, 0);
      expect(result.stdout).toMatch(/! target main: GET \/models failed: /);
      expect(result.stdout).toMatch(/^target\s.*\swarn\s.*warn$/m);
      expect(result.stderr).toContain('all required checks passed (with warnings)');
      // The chat checks still ran.
      expect(target.count({ path: '/v1/chat/completions', status: 200 })).toBe(4);
    });
  }

  it('fails when /models is not served with --strict-models or strictModels: true', async () => {
    const { legacy, target } = await providers({ faults: { html: { paths: ['/v1/models'] } } });
    const flag = await check(configYaml({ legacyUrl: legacy.url, targetUrl: target.url }), ['--provider', 'target', '--strict-models', '--samples', '1', '--json']);
    expectExit(flag, 1);
    expect(endpoint(json(flag), 'target').models.status).toBe('fail');
    const configured = await check(configYaml({ legacyUrl: legacy.url, targetUrl: target.url, target: ['strictModels: true'] }), ['--provider', 'target', '--samples', '1']);
    expectExit(configured, 1);
    expect(configured.stdout).toMatch(/✗ target main: GET \/models failed: .*HTML page/);
  });

  it('exits 1 naming a configured model the provider does not offer', async () => {
    const { legacy, target } = await providers({ models: ['gpt-4.1', 'gpt-4o'] }, { models: ['gpt-4.1', 'gpt-5-turbo'] });
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url, models: ['gpt-4.1', 'gpt-5-turbo'] });
    const result = await check(yaml, ['--samples', '1']);
    expectExit(result, 1);
    expect(result.stdout).toMatch(/✗ target main: model not offered: gpt-5-turbo/);
    expect(result.stdout).toMatch(/→ pick models from GET .*\(gpt-4.1, gpt-4o\)/);
    expect(result.stdout).toMatch(/^legacy\s.*pass$/m);
  });
});

describe('migrate check: token parameter', () => {
  it('falls back to max_tokens when max_completion_tokens is rejected, and records it', async () => {
    const { legacy, target } = await providers({ faults: { rejectMaxCompletionTokens: true } });
    const result = await check(configYaml({ legacyUrl: legacy.url, targetUrl: target.url }), ['--json', '--samples', '2']);
    expectExit(result, 0);
    const doc = json(result);
    expect(endpoint(doc, 'target').chat).toMatchObject({ status: 'pass', tokenParam: 'max_tokens' });
    expect(endpoint(doc, 'legacy').chat).toMatchObject({ status: 'pass', tokenParam: 'max_completion_tokens' });
    // One rejected try, then every request (chat, stream, warm-up, samples) uses max_tokens.
    expect(target.count({ path: '/v1/chat/completions', status: 400 })).toBe(1);
    const bodies = target.requests.filter((r) => r.status === 200 && r.method === 'POST').map((r) => r.body as Record<string, unknown>);
    expect(bodies).toHaveLength(5);
    for (const body of bodies) expect(body).toMatchObject({ max_tokens: 16 });
  });
});
