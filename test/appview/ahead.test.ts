// Probing ahead: a rollback probes the pair the restored env files hold while compose recreates,
// and verification reuses that answer only for a container holding exactly that pair. Real
// HTTP against fake providers on loopback; what counts is the requests they received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeAhead } from '../../src/core/appview/ahead.js';
import { endpointFor, probeOptions, type AppViewInput } from '../../src/core/appview/check.js';
import type { Providers } from '../../src/core/appview/pairs.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';

const LEGACY_KEY = 'sk-legacy-0123456789abcdef';
const TARGET_KEY = 'hs-target-fedcba9876543210';

let legacy: FakeProvider;
let target: FakeProvider;
let input: Pick<AppViewInput, 'cutover' | 'config' | 'processEnv' | 'signal'>;
beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: LEGACY_KEY });
  target = await startFakeProvider({ name: 'target', apiKey: TARGET_KEY });
  const provider = (baseUrl: string, apiKey: string) => ({ baseUrl, apiKey, nodes: [], headers: {}, timeoutMs: 5000, strictModels: false }) as unknown as Providers['legacy'];
  const providers = { legacy: provider(legacy.url, LEGACY_KEY), target: provider(target.url, TARGET_KEY) };
  input = { cutover: { OPENAI_BASE_URL: target.url, OPENAI_API_KEY: TARGET_KEY }, config: { providers, models: ['gpt-4.1'] }, processEnv: {} };
});
afterAll(async () => {
  await legacy?.close();
  await target?.close();
});

const models = (p: FakeProvider) => p.count({ path: '/v1/models' });

describe('probeAhead', () => {
  it('probes the restored pair at once; a container holding exactly it is answered without a request', async () => {
    legacy.resetCounts();
    const verify = probeAhead({ OPENAI_BASE_URL: `${legacy.url}/`, OPENAI_API_KEY: LEGACY_KEY, LLM_TARGET_WEIGHT: '0' }, 'legacy', input);
    const held = endpointFor('legacy', `${legacy.url}/`, LEGACY_KEY, input.config);
    const answer = await verify(held, probeOptions('legacy', input));
    expect(answer).toMatchObject({ ok: true, models: { status: 'pass' }, chat: { status: 'pass' } });
    expect(models(legacy)).toBe(1);
    expect(await verify(held, probeOptions('legacy', input))).toBe(answer);
    expect(models(legacy)).toBe(1);
  });

  it('a container holding anything else (another key) is probed as found, and its own answer counts', async () => {
    legacy.resetCounts();
    const verify = probeAhead({ OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY }, 'legacy', input);
    const wrongKey = endpointFor('legacy', legacy.url, 'sk-legacy-revoked-000000000', input.config);
    const answer = await verify(wrongKey, probeOptions('legacy', input));
    expect(answer.ok).toBe(false);
    expect(answer.models.message).toMatch(/401/);
    await expect.poll(() => models(legacy)).toBe(2); // the ahead probe and this one
    expect(legacy.requests.filter((q) => q.path === '/v1/models').map((q) => q.authorized)).toEqual(expect.arrayContaining([true, false]));
  });

  it("probes only the expected provider's pairs: nothing is sent to target during a rollback to legacy", () => {
    const sent: string[] = [];
    const spy: Parameters<typeof probeAhead>[3] = async (e) => (sent.push(e.baseUrl), { ok: true, models: { status: 'pass' }, chat: { status: 'pass' }, durationMs: 0 });
    probeAhead({ OPENAI_BASE_URL: target.url, OPENAI_API_KEY: TARGET_KEY }, 'legacy', input, spy);
    probeAhead({ OPENAI_BASE_URL: target.url, OPENAI_API_KEY: LEGACY_KEY }, 'legacy', input, spy); // mixed
    expect(sent).toEqual([]);
    probeAhead({ OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY }, 'legacy', input, spy);
    expect(sent).toEqual([legacy.url]);
  });
});
