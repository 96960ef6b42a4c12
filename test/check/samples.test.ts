// `migrate check` on unhealthy endpoints: a dead node, failing samples, slow answers, rate limits
// and a provider that starts hanging. Each must fail (or pass) on the numbers, within bounded time.
import { describe, expect, it } from 'vitest';
import type { Faults } from '../helpers/fake-provider.js';
import { closedPort } from '../helpers/ports.js';
import { check, checkTarget, configYaml, endpoint, expectExit, providers } from './helpers.js';

describe('migrate check: nodes', () => {
  it('fails only the row of a node nobody listens on', async () => {
    const { legacy, target } = await providers();
    const port = await closedPort();
    const yaml = configYaml({
      legacyUrl: legacy.url,
      targetUrl: target.url,
      target: ['nodes:', `  - { id: up, baseUrl: ${target.url} }`, `  - { id: down, baseUrl: http://127.0.0.1:${port}/v1 }`],
    });
    const result = await check(yaml, ['--samples', '1']);
    expectExit(result, 1);
    expect(result.stdout).toMatch(/^target\s.*pass$/m);
    expect(result.stdout).toMatch(/^\s+└ up\s.*pass$/m);
    expect(result.stdout).toMatch(/^\s+└ down\s+FAIL\s.*FAIL$/m);
    expect(result.stdout).toContain(`✗ target down: cannot connect to 127.0.0.1:${port}: ECONNREFUSED`);
  });
});

describe('migrate check: sample errors and latency', () => {
  // chat, stream and the warm-up come first; then requests 4 and 5 (2 of 4 samples) get a 503.
  const twoSampleErrors: Faults = { error: { afterN: 3, firstN: 5, status: 503 } };

  it('exits 1 when failed samples exceed --max-errors, 0 when within it', async () => {
    const over = await checkTarget(twoSampleErrors, ['--samples', '4', '--max-errors', '1']);
    expectExit(over.result, 1);
    const main = endpoint(over.doc, 'target');
    // Sampling stops once the limit is exceeded: the verdict is settled.
    expect(main.samples).toMatchObject({ requested: 4, sent: 2, errors: 2 });
    expect(main.problems).toContainEqual(expect.objectContaining({ check: 'samples', message: '2 of 2 timed requests failed (max 1; stopped before the other 2)' }));
    // Samples are not retried: a retry would hide the error rate being measured.
    expect(over.target.count({ path: '/v1/chat/completions', status: 503 })).toBe(2);
    const within = await checkTarget(twoSampleErrors, ['--samples', '4', '--max-errors', '2']);
    expectExit(within.result, 0);
    expect(endpoint(within.doc, 'target').samples).toMatchObject({ requested: 4, sent: 4, errors: 2 });
  });

  it('exits 1 when p95 total exceeds --max-p95', async () => {
    const slow = await checkTarget({ latency: 120 }, ['--samples', '2', '--max-p95', '60']);
    expectExit(slow.result, 1);
    const main = endpoint(slow.doc, 'target');
    expect(main.samples.latency.totalMs!.p95).toBeGreaterThanOrEqual(120);
    expect(main.problems).toContainEqual(expect.objectContaining({ check: 'latency', message: expect.stringMatching(/^p95 total \d+ms > 60ms$/) }));
    const relaxed = await checkTarget({ latency: 120 }, ['--samples', '2', '--max-p95', '1000']);
    expectExit(relaxed.result, 0);
  });

  it('retries a 429 after its Retry-After and passes, within the time the header asked', async () => {
    const { result, doc, target, elapsedMs } = await checkTarget({ rateLimit: { firstN: 1, retryAfterSeconds: 1, retryAfterMs: 600 } }, ['--samples', '1', '--verbose']);
    expectExit(result, 0);
    expect(endpoint(doc, 'target').chat).toMatchObject({ status: 'pass', retries: [expect.stringMatching(/^HTTP 429: .*, retried after 600 ms$/)] });
    expect(result.stderr).toMatch(/^target main: reach .*; chat pass \d+ms; stream pass \d+ms$/m);
    expect(result.stderr).toMatch(/^ {2}chat retried: HTTP 429: .*, retried after 600 ms$/m);
    const chats = target.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(chats[0]!.status).toBe(429);
    expect(chats[1]!.status).toBe(200);
    const waited = chats[1]!.time - chats[0]!.time;
    expect(waited).toBeGreaterThanOrEqual(550);
    expect(waited).toBeLessThan(1500);
    expect(elapsedMs).toBeLessThan(8_000);
  });

  it('times out a hung provider at its timeoutMs and finishes in bounded time', async () => {
    const { result, doc, elapsedMs } = await checkTarget({ hang: true }, ['--samples', '1'], ['timeoutMs: 800']);
    expectExit(result, 1);
    const chat = endpoint(doc, 'target').chat;
    expect(chat.status).toBe('fail');
    expect(chat.message).toMatch(/^chat: total timeout: no progress after 800 ms/);
    expect(elapsedMs).toBeLessThan(6_000);
  });

  it('stops sampling a provider that starts hanging instead of waiting out every sample', async () => {
    const { result, doc, target, elapsedMs } = await checkTarget({ hang: { afterN: 3 } }, ['--samples', '10'], ['timeoutMs: 700']);
    expectExit(result, 1);
    expect(endpoint(doc, 'target').samples).toMatchObject({ requested: 10, sent: 1, errors: 1 });
    expect(target.count({ path: '/v1/chat/completions' })).toBe(4);
    expect(elapsedMs).toBeLessThan(6_000);
  });
});
