// `migrate check` against providers that answer the broken ways relays do: each must fail the
// endpoint with one clear line a user can act on; missing fields check does not need are left to validate.
import { describe, expect, it } from 'vitest';
import type { Faults } from '../helpers/fake-provider.js';
import { check, checkTarget, configYaml, endpoint, expectExit, providers, TARGET_KEY } from './helpers.js';

describe('migrate check: broken responses', () => {
  const cases: Array<[string, Faults, RegExp]> = [
    ['a connection reset', { reset: true }, /^chat: connection reset by the server|^chat: the server closed the connection/],
    ['a 200 with an error body', { errorBody: true }, /^chat: HTTP 200 with an error body: /],
    ['a body cut in half', { truncateStream: true }, /^chat: the server closed the connection before the response completed/],
    ['a body that is not JSON', { malformedSse: true }, /^chat: HTTP 200 returned non-JSON .* where JSON was expected/],
    // afterN: 1 spares the plain chat request, so the fault hits the streaming check.
    ['a truncated stream', { truncateStream: { afterN: 1, afterChunks: 2 } }, /^stream: .*(closed|ended|reset|terminated)/i],
    ['a stream without [DONE]', { noDone: true }, /^stream: .*\[DONE\]/],
    ['malformed SSE', { malformedSse: { afterN: 1 } }, /^stream: .*(JSON|malformed)/i],
  ];
  for (const [what, faults, message] of cases) {
    it(`fails ${what} with a clear message`, async () => {
      const { result, doc } = await checkTarget(faults, ['--samples', '1']);
      expectExit(result, 1);
      const main = endpoint(doc, 'target');
      expect(main.verdict).toBe('fail');
      const failed = main.problems.filter((p) => p.severity === 'fail').map((p) => p.message);
      expect(
        failed.some((m) => message.test(m)),
        JSON.stringify(failed),
      ).toBe(true);
      for (const m of failed) expect(m.length).toBeLessThan(220);
      // Every failure says what to do next.
      for (const p of main.problems) expect(p.hint, p.message).toBeTruthy();
      // After a failed check, no timed samples repeat the failure.
      expect(main.samples.errors).toBe(0);
    });
  }

  it('says the base URL looks wrong when it serves an HTML page', async () => {
    const { legacy, target } = await providers({ faults: { html: { paths: ['*'] } } });
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url });
    const result = await check(yaml, ['--provider', 'target', '--samples', '1']);
    expectExit(result, 1);
    expect(result.stdout).toMatch(/✗ target main: chat: the base URL serves an HTML page, not the API: check baseUrl/);
  });

  it('never prints a key a relay echoes back in its error body', async () => {
    // A non-sk key is only caught by exact-value scrubbing.
    const message = `bad request from Bearer ${TARGET_KEY} (key ${TARGET_KEY})`;
    const { legacy, target } = await providers({ faults: { error: { status: 400, message } } });
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url });
    const result = await check(yaml, ['--provider', 'target', '--samples', '1', '--verbose']);
    expectExit(result, 1);
    expect(result.stdout).toContain('[redacted]');
    expect(result.stdout + result.stderr).not.toContain(TARGET_KEY);
  });
});

describe('migrate check: relay defects (missing fields)', () => {
  it('warns, and passes, when the stream leaves out the usage chunk', async () => {
    const { result, doc, target } = await checkTarget({ defects: { drop: ['usage'] } }, ['--samples', '1']);
    expectExit(result, 0);
    const main = endpoint(doc, 'target');
    expect(main.verdict).toBe('warn');
    expect(main.stream).toMatchObject({ status: 'warn', done: true, usage: false });
    expect(main.problems).toEqual([
      expect.objectContaining({ check: 'stream', severity: 'warn', message: 'stream has no usage chunk although stream_options.include_usage was set' }),
    ]);
    // chat, stream, the warm-up and the sample all ran.
    expect(target.count({ path: '/v1/chat/completions', status: 200 })).toBe(4);
  });

  it('fails a chat completion with empty choices, and sends no samples after it', async () => {
    const { result, doc, target } = await checkTarget({ defects: { emptyChoices: true } }, ['--samples', '3']);
    expectExit(result, 1);
    const main = endpoint(doc, 'target');
    expect(main.chat).toMatchObject({ status: 'fail', message: 'chat completion has no choices[0].message' });
    expect(main.problems[0]!.hint).toMatch(/OpenAI shape: run `migrate validate`/);
    expect(main.stream.status).toBe('skip');
    expect(main.samples).toMatchObject({ requested: 0, sent: 0 });
    expect(target.count({ path: '/v1/chat/completions' })).toBe(1);
  });

  it('leaves a missing id or finish_reason to validate: check passes', async () => {
    const { result, doc } = await checkTarget({ defects: { drop: ['id'], finishReason: 'absent' } }, ['--samples', '1']);
    expectExit(result, 0);
    expect(endpoint(doc, 'target')).toMatchObject({ verdict: 'pass', problems: [] });
  });
});
