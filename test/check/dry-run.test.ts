// `check --dry-run` plans the requests and sends none: a chat completion costs tokens, and a
// dry run is what people type to see what a command would do.
import { describe, expect, it } from 'vitest';
import { check, configYaml, expectExit, LEGACY_KEY, providers, TARGET_KEY } from './helpers.js';

describe('migrate check --dry-run', () => {
  it('lists every request per endpoint and sends nothing to either provider', async () => {
    const { legacy, target } = await providers();
    const r = await check(configYaml({ legacyUrl: legacy.url, targetUrl: target.url }), ['--dry-run', '--samples', '7']);
    expectExit(r, 0);
    expect(r.stdout).toContain('dry run: would send up to 20 chat completion(s) to 2 endpoint(s); nothing was sent');
    expect(r.stdout).toContain(`target  main  POST ${target.url}/chat/completions ×8 (1 warm-up and 7 timed samples, streamed)`);
    expect(r.stdout).toContain(`legacy  main  GET ${legacy.url}/models`);
    expect(legacy.count()).toBe(0);
    expect(target.count()).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(LEGACY_KEY);
    expect(r.stdout + r.stderr).not.toContain(TARGET_KEY);
  });

  it('--json is one document with the plan', async () => {
    const { legacy, target } = await providers();
    const r = await check(configYaml({ legacyUrl: legacy.url, targetUrl: target.url }), ['--dry-run', '--json', '--provider', 'target']);
    expectExit(r, 0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ dryRun: true, endpoints: [{ role: 'target', node: 'main', billed: 8 }] });
    expect(target.count()).toBe(0);
  });
});
