// Which provider a container's URL + key pair names, and how a container is judged against a
// step: pure functions, table-driven.
import { describe, expect, it } from 'vitest';
import { rampExpectation } from '../../src/core/appview/environment.js';
import { judgeContainer, type Expectation } from '../../src/core/appview/judge.js';
import type { EnvironmentConfig } from '../../src/core/config/schema.js';
import { keyRole, pairRole, pairVariables, providerVariables, urlRole, type Providers } from '../../src/core/appview/pairs.js';
import type { ContainerView } from '../../src/core/appview/read.js';
import { containerLine } from '../../src/core/appview/render.js';

const LEGACY_KEY = 'sk-legacy-0123456789abcdef';
const TARGET_KEY = 'hs-target-fedcba9876543210';

const provider = (baseUrl: string, apiKey: string, nodes: Array<{ id: string; baseUrl: string }> = []) =>
  ({ baseUrl, apiKey, nodes, timeoutMs: 30_000, strictModels: false }) as Providers['legacy'];

const providers: Providers = {
  legacy: provider('https://api.openai.com/v1', LEGACY_KEY),
  target: provider('https://relay.example/v1', TARGET_KEY, [{ id: 'east', baseUrl: 'https://east.relay.example/v1' }]),
};

describe('pairVariables', () => {
  it.each([
    [['OPENAI_API_BASE_URL'], ['OPENAI_API_KEY'], [{ url: 'OPENAI_API_BASE_URL', key: 'OPENAI_API_KEY' }]],
    [['URL'], ['TOKEN'], [{ url: 'URL', key: 'TOKEN' }]],
    [
      ['GENERIC_OPEN_AI_BASE_PATH', 'OPENAI_API_BASE_URL'],
      ['OPENAI_API_KEY', 'GENERIC_OPEN_AI_API_KEY'],
      [
        { url: 'GENERIC_OPEN_AI_BASE_PATH', key: 'GENERIC_OPEN_AI_API_KEY' },
        { url: 'OPENAI_API_BASE_URL', key: 'OPENAI_API_KEY' },
      ],
    ],
    [
      ['OPENAI_BASE_URL', 'OTHER_URL'],
      ['OPENAI_API_KEY'],
      [
        { url: 'OPENAI_BASE_URL', key: 'OPENAI_API_KEY' },
        { url: 'OTHER_URL', key: undefined },
      ],
    ],
    [[], ['OPENAI_API_KEY'], [{ key: 'OPENAI_API_KEY' }]],
  ])('%j with %j', (urls, keys, pairs) => {
    expect(pairVariables(urls, keys)).toEqual(pairs);
  });
});

describe('roles', () => {
  it.each([
    ['https://api.openai.com/v1', 'legacy'],
    ['HTTPS://API.OpenAI.com/v1/', 'legacy'],
    ['https://east.relay.example/v1', 'target'],
    ['https://relay.example/v2', 'unknown'],
    ['', 'unset'],
    [undefined, 'unset'],
  ])('URL %s → %s', (url, role) => {
    expect(urlRole(url, providers)).toBe(role);
  });

  it.each([
    [LEGACY_KEY, 'legacy'],
    [` "${TARGET_KEY}" `, 'target'],
    ['sk-someone-else', 'unknown'],
    [undefined, 'unset'],
  ])('key → %s', (key, role) => {
    expect(keyRole(key, providers)).toBe(role);
  });

  it.each([
    ['legacy', 'legacy', 'legacy'],
    ['target', 'target', 'target'],
    ['legacy', 'target', 'mixed'],
    ['target', 'legacy', 'mixed'],
    ['target', 'unset', 'target'],
    ['unknown', 'target', 'unknown'],
    ['unset', 'target', 'unknown'],
  ] as const)('URL of %s, key of %s → %s', (url, key, role) => {
    expect(pairRole(url, key)).toBe(role);
  });

  it('finds variables from the cut-over map and from what the app holds, never by name alone', () => {
    const cutover = { OPENAI_API_KEY: TARGET_KEY, MODEL: 'gpt-4.1' };
    const held = { OPENAI_BASE_URL: 'https://api.openai.com/v1', OPENAI_API_KEY: TARGET_KEY, DATABASE_URL: 'postgres://db/app' };
    expect(providerVariables(cutover, held, providers)).toEqual({ urls: ['OPENAI_BASE_URL'], keys: ['OPENAI_API_KEY'] });
  });
});

describe('judgeContainer', () => {
  const view = (values: Record<string, string>, extra: Partial<ContainerView> = {}): ContainerView => ({
    id: '3f2a91c0d1e2aabbccddeeff',
    service: 'app',
    status: 'running',
    values,
    from: Object.fromEntries(Object.keys(values).map((k) => [k, 'env'])),
    mounts: [],
    ...extra,
  });
  const cutover = { OPENAI_BASE_URL: 'https://relay.example/v1', OPENAI_API_KEY: TARGET_KEY };
  const cut: Expectation = { role: 'target', step: 'the cut-over' };

  it('the target pair after the cut-over is ok', () => {
    const fact = judgeContainer(view({ OPENAI_BASE_URL: 'https://relay.example/v1/', OPENAI_API_KEY: TARGET_KEY }), cut, cutover, providers);
    expect(fact).toMatchObject({ ok: true, id: '3f2a91c0d1e2', pairs: [{ role: 'target', urlRole: 'target', keyRole: 'target' }] });
    expect(containerLine(fact)).toBe('app (3f2a91c0d1e2): OPENAI_BASE_URL → target, key of target');
  });

  it('a mixed pair fails and says mixed, with provider names, never the key', () => {
    const fact = judgeContainer(view({ OPENAI_BASE_URL: 'https://api.openai.com/v1', OPENAI_API_KEY: TARGET_KEY }), cut, cutover, providers);
    expect(fact.ok).toBe(false);
    expect(fact.problems).toEqual(['OPENAI_BASE_URL → legacy, key of target (mixed); the cut-over meant target']);
    expect(JSON.stringify(fact)).not.toContain(TARGET_KEY);
  });

  it('a cut-over variable the container does not hold fails', () => {
    const fact = judgeContainer(view({ OPENAI_API_KEY: TARGET_KEY }), cut, cutover, providers);
    expect(fact.problems).toEqual(['OPENAI_BASE_URL → not set, key of target; the cut-over meant target']);
  });

  it('a stage below 100 % wants legacy and the weight as written', () => {
    const stage: Expectation = { role: 'legacy', weight: { key: 'LLM_TARGET_WEIGHT', value: '20' }, step: 'stage 20%' };
    const held = { OPENAI_BASE_URL: 'https://api.openai.com/v1', OPENAI_API_KEY: LEGACY_KEY, LLM_TARGET_WEIGHT: '5' };
    const fact = judgeContainer(view(held, { from: { OPENAI_BASE_URL: 'env', OPENAI_API_KEY: 'env', LLM_TARGET_WEIGHT: '/app/.env' } }), stage, cutover, providers);
    expect(fact.problems).toEqual(['LLM_TARGET_WEIGHT is 5 (read from /app/.env); stage 20% wrote 20']);
    expect(judgeContainer(view({ ...held, LLM_TARGET_WEIGHT: '20' }), stage, cutover, providers).ok).toBe(true);
  });

  it('a mounted env file that cannot be read inside the container fails, naming it', () => {
    const mounts = [{ source: '/srv/app/.env', destination: '/app/.env', error: '`docker cp abc:/app/.env -` exited with code 1' }];
    const fact = judgeContainer(view({ OPENAI_BASE_URL: 'https://relay.example/v1', OPENAI_API_KEY: TARGET_KEY }, { mounts }), cut, cutover, providers);
    expect(fact.problems).toEqual(['cannot read /app/.env (bound from /srv/app/.env) inside the container: `docker cp abc:/app/.env -` exited with code 1']);
  });
});

describe('a URL that is neither provider', () => {
  it('is shown as held but for its credentials (a password in it, a key in its query), in the line and the fact', () => {
    const view: ContainerView = {
      id: 'c0ffee0123456789',
      service: 'app',
      status: 'running',
      values: { OPENAI_BASE_URL: 'https://bob:hunter2-relay-password@elsewhere.example/v1?api-key=relay-query-key-0123', OPENAI_API_KEY: LEGACY_KEY },
      from: {},
      mounts: [],
    };
    const cutover = { OPENAI_BASE_URL: 'https://relay.example/v1', OPENAI_API_KEY: TARGET_KEY };
    const fact = judgeContainer(view, { role: 'legacy', step: 'the rollback' }, cutover, providers);
    expect(fact.pairs[0]).toMatchObject({ urlRole: 'unknown', url: 'https://bob:…word@elsewhere.example/v1?api-key=…0123' });
    expect(containerLine(fact)).toContain('OPENAI_BASE_URL → https://bob:…word@elsewhere.example/v1?api-key=…0123 (neither provider)');
    for (const secret of ['hunter2-relay', 'relay-query-key']) expect(JSON.stringify(fact) + containerLine(fact)).not.toContain(secret);
  });
});

describe('a container behind `migrate gateway`', () => {
  const GATEWAY = ['http://127.0.0.1:8089/v1', 'http://localhost:8089/v1', 'http://llm-gateway:8089/v1'];
  const onGateway: ContainerView = {
    id: 'c0ffee0123456789',
    service: 'api',
    status: 'running',
    values: { OPENAI_REVERSE_PROXY: 'http://127.0.0.1:8089/v1', OPENAI_API_KEY: LEGACY_KEY },
    from: { OPENAI_REVERSE_PROXY: '/app/.env', OPENAI_API_KEY: '/app/.env' },
    mounts: [],
  };
  const rollback: Expectation = { role: 'legacy', step: 'the rollback' };

  it('names the gateway (any shape its URL takes), never "neither provider"; without its URLs it stays unknown', () => {
    expect(urlRole('http://127.0.0.1:8089/v1/', providers, GATEWAY)).toBe('gateway');
    expect(urlRole('http://llm-gateway:8089', providers, GATEWAY)).toBe('gateway'); // an app that adds /v1 itself
    expect(urlRole('http://127.0.0.1:8090/v1', providers, GATEWAY)).toBe('unknown');
    expect(urlRole('http://127.0.0.1:8089/v1', providers)).toBe('unknown');
    expect(pairRole('gateway', 'target')).toBe('gateway'); // the gateway puts the provider's own key on
  });

  it('is judged by where its split sends requests: legacy passes the rollback, target or an unknown split does not', () => {
    const toLegacy = judgeContainer(onGateway, rollback, {}, providers, { urls: GATEWAY, routesTo: 'legacy' });
    expect(toLegacy.ok).toBe(true);
    expect(toLegacy.pairs).toMatchObject([{ urlVariable: 'OPENAI_REVERSE_PROXY', urlRole: 'gateway', role: 'gateway', routesTo: 'legacy' }]);
    expect(containerLine(toLegacy)).toBe(
      'api (c0ffee012345): OPENAI_REVERSE_PROXY → the gateway (http://127.0.0.1:8089/v1), which sends it to legacy, key of legacy (read from /app/.env)',
    );
    const toTarget = judgeContainer(onGateway, rollback, {}, providers, { urls: GATEWAY, routesTo: 'target' });
    expect(toTarget.problems).toEqual([
      'OPENAI_REVERSE_PROXY → the gateway (http://127.0.0.1:8089/v1), which sends it to target, key of legacy (read from /app/.env); the rollback meant legacy',
    ]);
    expect(judgeContainer(onGateway, rollback, {}, providers, { urls: GATEWAY }).ok).toBe(false);
    expect(JSON.stringify([toLegacy, toTarget])).not.toContain(LEGACY_KEY);
  });
  it('a ramp behind it: every stage needs the app on the gateway, and at 100 % the gateway must send it to target', () => {
    const env = { traffic: { driver: 'nginx', file: 'split.conf', gateway: true }, cutover: {}, envFiles: ['.env'] } as unknown as EnvironmentConfig;
    const at20 = rampExpectation(env, 20)!;
    expect(at20).toEqual({ gateway: {}, step: 'stage 20%' });
    expect(judgeContainer(onGateway, at20, {}, providers, { urls: GATEWAY }).ok).toBe(true);
    const direct = { ...onGateway, values: { ...onGateway.values, OPENAI_REVERSE_PROXY: 'https://api.openai.com/v1' } };
    expect(judgeContainer(direct, at20, {}, providers, { urls: GATEWAY }).problems).toEqual([
      'OPENAI_REVERSE_PROXY → legacy, key of legacy (read from /app/.env); stage 20% meant the gateway',
    ]);
    const at100 = rampExpectation(env, 100)!;
    expect(judgeContainer(onGateway, at100, {}, providers, { urls: GATEWAY, routesTo: 'target' }).ok).toBe(true);
    expect(judgeContainer(direct, at100, {}, providers, { urls: GATEWAY, routesTo: 'target' }).ok).toBe(false);
  });
});
