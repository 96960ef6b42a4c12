// End to end: the built CLI (`npm run build` first) against two fake providers on loopback.
import { XMLParser } from 'fast-xml-parser';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCli, tempProject } from '../helpers/cli.js';
import { startFakeProvider, type DefectsSpec, type FakeProvider, type FaultsPatch } from '../helpers/fake-provider.js';

const LEGACY_KEY = 'sk-legacy-e2e-secret-0123456789';
const TARGET_KEY = 'sk-target-e2e-secret-9876543210';

const SUITE = `name: mini
defaults: { temperature: 0 }
cases:
  - id: chat
    prompt: 'Reply with exactly "PONG"'
    assert: [{ icontains: pong }, { finish-reason: stop }]
  - id: stream
    stream: true
    prompt: 'Reply with exactly "streaming works"'
    assert: [{ icontains: streaming works }, same-finish-reason]
  - id: tool-stream
    stream: true
    prompt: What is the weather in Paris? Use the get_weather tool.
    tools:
      - type: function
        function: { name: get_weather, parameters: { type: object, properties: { city: { type: string } }, required: [city] } }
    assert:
      - tool-call: { name: get_weather, arguments: { type: object, required: [city] } }
      - same-tool
`;

let legacy: FakeProvider;
let target: FakeProvider;
let dir: string;

beforeAll(async () => {
  [legacy, target] = await Promise.all([startFakeProvider({ name: 'legacy', apiKey: LEGACY_KEY }), startFakeProvider({ name: 'target', apiKey: TARGET_KEY })]);
});
afterAll(async () => {
  await Promise.all([legacy.close(), target.close()]);
});
beforeEach(() => {
  dir = tempProject('validate-e2e-');
  writeFileSync(path.join(dir, 'suite.yaml'), SUITE);
  writeConfig();
  legacy.resetFaults();
  target.resetFaults();
  legacy.resetCounts();
  target.resetCounts();
});

function writeConfig(extra = '', targetUrl = target.url) {
  writeFileSync(
    path.join(dir, 'migrate.yaml'),
    `version: 1
providers:
  legacy: { baseUrl: "${legacy.url}", apiKey: "\${LEGACY_KEY}", prices: { gpt-4.1: { input: 2, output: 8 } } }
  target: { baseUrl: "${targetUrl}", apiKey: "\${TARGET_KEY}", prices: { gpt-4.1: { input: 1, output: 4 } } }
models: [gpt-4.1]
validate:
  suites: [suite.yaml]
  dailyRequests: 5000
${extra}`,
  );
}

function migrate(args: string[], env: Record<string, string> = {}) {
  return startCli(['validate', '--config', path.join(dir, 'migrate.yaml'), ...args], { cwd: dir, env: { LEGACY_KEY, TARGET_KEY, ...env }, timeoutMs: 20_000 });
}

/** A relay in front of `upstream` (a base URL ending in /v1) that drops `data: ` from the second event of every stream. */
async function startBareLineRelay(upstream: string) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const init: RequestInit = { method: req.method, headers: { authorization: req.headers.authorization ?? '', 'content-type': 'application/json' } };
    if (req.method === 'POST') init.body = Buffer.concat(chunks);
    const answer = await fetch(upstream + req.url!.replace(/^\/v1/, ''), init);
    const type = answer.headers.get('content-type') ?? '';
    let n = 0;
    const text = (await answer.text()).replace(/^data: (?=\{)/gm, (prefix) => (type.includes('text/event-stream') && ++n === 2 ? '' : prefix));
    res.writeHead(answer.status, { 'content-type': type }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

type Logged = { provider: string; time: number; durationMs?: number; authorized: boolean; model?: string; path: string };
/** The chat requests of suite cases both providers received, in order of arrival. */
const caseRequests = (): Logged[] =>
  [...legacy.requests.map((q) => ({ ...q, provider: 'legacy' })), ...target.requests.map((q) => ({ ...q, provider: 'target' }))]
    .filter((q) => q.path === '/v1/chat/completions' && q.authorized && q.model === 'gpt-4.1')
    .sort((a, b) => a.time - b.time);

/** The CLI's output, for assertion messages when something unexpected happens. */
const said = (r: { exitCode?: number; stderr: string }) => `exit ${r.exitCode}: ${r.stderr}`;

const readJson = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
const rulesOf = (report: { conformance: Array<{ provider: string; rule: string; severity: string }> }) =>
  report.conformance.filter((c) => c.provider === 'target').map((c) => `${c.severity} ${c.rule}`);

describe('migrate validate (built CLI, two fake providers)', () => {
  it('a clean target passes: exit 0, side-by-side table, summary with cost; every case ran on both in the same window', async () => {
    const r = await migrate([]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^case\s+legacy\s+target\s+verdict$/m);
    expect(r.stdout).toMatch(/^tool-stream\s+pass\s+pass\s+pass$/m);
    expect(r.stdout).toContain('Conformance: no findings');
    expect(r.stdout).toMatch(/^target\s+3\/3\s+\d+ ms\s+\d+ ms\s+\d+\s+0\/0\s+[\d.]+ USD\s+[\d.]+ USD$/m);
    expect(r.stdout).toContain('validation passed');
    expect(legacy.count({ path: '/v1/chat/completions' })).toBe(5); // 3 cases + bad key + unknown model
    expect(target.count({ path: '/v1/chat/completions' })).toBe(5);
    // Each provider got its first case before the other's last one.
    const order = caseRequests().map((q) => q.provider);
    expect(order.indexOf('target')).toBeLessThan(order.lastIndexOf('legacy'));
    expect(order.indexOf('legacy')).toBeLessThan(order.lastIndexOf('target'));
    const streamed = target.requests.find((q) => q.stream);
    expect((streamed!.body as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
  });

  const defects: Array<[string, FaultsPatch, string[]]> = [
    ['missing usage', { defects: { drop: ['usage'] } }, ['error stream.usage-missing', 'error usage.missing']],
    ['empty choices', { defects: { emptyChoices: true } }, ['error choices.empty']],
    ['finish_reason never set (null)', { defects: { finishReason: 'null' } }, ['error finish-reason.missing']],
    ['finish_reason never set (absent)', { defects: { finishReason: 'absent' } }, ['error finish-reason.missing', 'warning schema.optional-missing']],
    ['tool-call deltas without index', { defects: { dropToolCallIndex: true } }, ['error tool-call.index-missing']],
    ['200 with an error body', { errorBody: true }, ['error response.error-in-200']],
    ['no [DONE]', { noDone: true }, ['error stream.done-missing']],
    ['a chunk that is not JSON', { malformedSse: { paths: ['/v1/chat/completions'] } }, ['error response.bad-json', 'error stream.bad-json']],
    ['dropped id', { defects: { drop: ['id'] } }, ['error schema.required']],
  ];

  it.each(defects)('%s on the target is reported under its rule and exits 1', async (_name, faults, rules) => {
    target.setFaults(faults);
    const r = await migrate(['--json', 'report.json']);
    const report = readJson('report.json');
    expect(rulesOf(report)).toEqual(rules);
    expect(report.providers.legacy.findings).toEqual({ error: 0, warning: 0 });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(rules[0]!.split(' ')[1]);
  });

  it('interleaves: one request at a time, each case goes to both providers in turn, alternating which goes first', async () => {
    for (const p of [legacy, target]) p.setFaults({ latency: 15 }); // sequential requests arrive at distinct times
    const r = await migrate(['--concurrency', '1']);
    expect(r.exitCode, said(r)).toBe(0);
    expect(caseRequests().map((q) => q.provider)).toEqual(['legacy', 'target', 'target', 'legacy', 'legacy', 'target']);
  });

  it('a stream line without data: (bare JSON, then a proper [DONE]) is a stream.framing error, exit 1', async () => {
    const relay = await startBareLineRelay(target.url);
    try {
      writeConfig('', relay.url);
      const r = await migrate(['--provider', 'target', '--case', 'stream', '--json', 'r.json']);
      const report = readJson('r.json');
      expect(rulesOf(report)).toEqual(['error stream.framing']);
      expect(report.conformance[0]).toMatchObject({
        cases: ['stream'],
        message: expect.stringMatching(/^a stream line is not a server-sent event field \(no "data: "\?\): \{"id":/),
      });
      expect(report.cases[0].target).toMatchObject({ status: 'error' });
      expect(r.exitCode).toBe(1);
    } finally {
      await relay.close();
    }
  });

  it('a body or stream cut off (connection closed) is reported as cut off, not as bad JSON', async () => {
    target.setFaults({ truncateStream: true });
    const r = await migrate(['--provider', 'target', '--json', 'r.json']);
    const report = readJson('r.json');
    expect(rulesOf(report)).toEqual(['error stream.framing']);
    expect(report.conformance[0]).toMatchObject({ cases: ['stream', 'tool-stream'], message: 'the stream was cut off after 2 event(s), before data: [DONE]' });
    expect(report.cases[0].target.error).toMatch(/^the body was cut off: the server closed the connection before the response completed/);
    expect(r.exitCode).toBe(1);
  });

  it('retries wait for the rate limit too: under 429s the provider sees no more than the allowed rate', async () => {
    writeConfig('  rpm: 120\n'); // 2 per second, a burst of 2
    target.setFaults({ rateLimit: { firstN: 4, retryAfterSeconds: 0, retryAfterMs: 0 } }); // "retry at once"
    const r = await migrate(['--provider', 'target', '--case', 'chat', '--json', 'r.json']);
    const times = target.requests.map((q) => q.time).sort((a, b) => a - b);
    // A burst of 2, then one every 500 ms: request k (from 0) no earlier than (k - 1) x 500 ms after the first.
    // 150 ms of slack: the first request's arrival also carries its connection set-up, which a loaded
    // machine stretches; a limiter that did not wait would send all six within a few ms.
    times.forEach((t, k) => expect(t - times[0]!, `request ${k}`).toBeGreaterThanOrEqual((k - 1) * 500 - 150));
    expect(times).toHaveLength(6); // 3 attempts + 3 probes
    expect(target.count({ status: 429 })).toBe(3); // the case twice, the unknown-model probe once
    expect(readJson('r.json').cases[0].target).toMatchObject({ status: 'pass', attempts: 3 });
    expect(r.exitCode, said(r)).toBe(0);
  });

  it('says why a provider has no suite cost when a model used has no price', async () => {
    writeFileSync(path.join(dir, 'mini.yaml'), 'cases:\n  - id: mini\n    model: gpt-4.1-mini\n    prompt: hi\n');
    const r = await migrate(['--suite', 'mini.yaml', '--json', 'r.json', '--markdown', 'r.md']);
    expect(r.exitCode, said(r)).toBe(0);
    const { providers } = readJson('r.json');
    expect(providers.target.cost).toBeUndefined();
    expect(providers.target.costNote).toBe('no price for model gpt-4.1-mini in providers.target.prices');
    expect(r.stderr).toContain('warning: no suite cost for target: no price for model gpt-4.1-mini in providers.target.prices');
    expect(r.stderr).toContain('warning: no suite cost for legacy: no price for model gpt-4.1-mini in providers.legacy.prices');
    expect(readFileSync(path.join(dir, 'r.md'), 'utf8')).toContain('*no suite cost for target: no price for model gpt-4.1-mini in providers.target.prices*');
  });

  it('providers.target.models: each provider is sent its own name for the model, and an answer naming it is no mapping', async () => {
    const config = path.join(dir, 'migrate.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('prices: { gpt-4.1: { input: 1, output: 4 } } }', 'prices: { gpt-4.1: { input: 1, output: 4 } }, models: { gpt-4.1: gpt-4o } }'),
    );
    const r = await migrate(['--json', '-']);
    expect(r.exitCode, said(r)).toBe(0);
    expect(rulesOf(JSON.parse(r.stdout))).toEqual([]);
    const models = (fake: FakeProvider) => new Set(fake.requests.filter((q) => q.path === '/v1/chat/completions').map((q) => q.model));
    expect(models(target)).toEqual(new Set(['gpt-4o', 'migrate-validate-no-such-model']));
    expect(models(legacy)).toEqual(new Set(['gpt-4.1', 'migrate-validate-no-such-model']));
  });

  it('model mapping is a warning: reported, exit 0', async () => {
    target.setFaults({ defects: { responseModel: 'cheap-model' } });
    const r = await migrate(['--json', '-']);
    const report = JSON.parse(r.stdout);
    expect(rulesOf(report)).toEqual(['warning model.mapped']);
    expect(report.conformance[0].message).toBe('requested gpt-4.1, response names cheap-model');
    expect(r.exitCode).toBe(0);
  });

  it('--json, --junit and --markdown files, the step summary appended, annotations on Actions, and no API key anywhere', async () => {
    target.setFaults({ defects: { dropToolCallIndex: true } });
    writeFileSync(path.join(dir, 'summary.md'), '# earlier step\n');
    const ok = await migrate(['--json', 'out/report.json', '--junit', 'junit.xml', '--markdown', 'report.md'], {
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
      GITHUB_ACTIONS: 'true',
    });
    expect(ok.exitCode).toBe(1);

    const report = readJson('out/report.json');
    expect(report).toMatchObject({ schemaVersion: 1, ok: false, exitCode: 1, tool: { name: 'migrate' }, summary: { cases: 3 } });
    for (const key of ['startedAt', 'durationMs', 'reasons', 'openapi', 'suites', 'providers', 'conformance', 'cases']) expect(report).toHaveProperty(key);
    expect(report.cases[2]).toMatchObject({ key: 'tool-stream', id: 'tool-stream', file: 'suite.yaml', line: 11, model: 'gpt-4.1', verdict: 'pass' });
    expect(report.cases[2].target.toolCalls[0]).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });

    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(path.join(dir, 'junit.xml'), 'utf8'));
    expect(junit.testsuites.tests).toBe('4');
    expect(junit.testsuites.testsuite[1].testcase).toMatchObject({ name: 'tool-call.index-missing', failure: { type: 'tool-call.index-missing' } });

    const md = readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(md).toContain('## migrate validate: ❌ failed');
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toBe(`# earlier step\n${md}\n`);
    expect(ok.stdout).toMatch(/^::error file=suite\.yaml,line=11,title=conformance tool-call\.index-missing::/m);

    for (const text of [ok.stdout, ok.stderr, readFileSync(path.join(dir, 'out/report.json'), 'utf8'), readFileSync(path.join(dir, 'junit.xml'), 'utf8'), md]) {
      expect(text).not.toContain(LEGACY_KEY);
      expect(text).not.toContain(TARGET_KEY);
    }
  });

  it('--json on stdout stays one document; annotations then go to stderr', async () => {
    target.setFaults({ defects: { emptyChoices: true } });
    const r = await migrate(['--json'], { GITHUB_ACTIONS: 'true' });
    expect(JSON.parse(r.stdout).ok).toBe(false);
    expect(r.stderr).toMatch(/^::error /m);
    expect(r.exitCode).toBe(1);
  });

  it('a regression is named with the failed assertion; --provider target runs one side only', async () => {
    target.setFaults({ defects: { finishReason: 'null' } });
    const both = await migrate([]);
    expect(both.stdout, said(both)).toMatch(/^chat\s+pass\s+fail \(1 conformance\)\s+regression$/m);
    expect(both.stdout).toContain('  - finish-reason: finish_reason stop; got none');
    legacy.resetCounts();
    const one = await migrate(['--provider', 'target', '--case', 'chat']);
    expect(one.stdout, said(one)).toMatch(/^chat\s+fail \(1 conformance\)\s+fail$/m);
    expect(legacy.count()).toBe(0);
  });

  it('--min-pass-rate lets a partly failing target pass', async () => {
    target.setFaults({ defects: { finishReason: 'null', paths: ['/v1/chat/completions'], firstN: 1 } });
    const r = await migrate(['--provider', 'target', '--min-pass-rate', '0.5', '--json', 'r.json']);
    expect(readJson('r.json').providers.target.passRate).toBeGreaterThanOrEqual(0.5);
    expect(r.exitCode).toBe(0);
  });

  it('respects the per-provider rate limit', async () => {
    writeConfig('  rpm: 300\n'); // 5 per second, a burst of 5
    const r = await migrate(['--provider', 'target', '--concurrency', '16']);
    expect(r.exitCode).toBe(0);
    const times = target.requests.map((q) => q.time).sort((a, b) => a - b);
    expect(times).toHaveLength(6); // 3 cases + 3 probes
    // 6 requests at 5/s after a burst of 5: the sixth is sent about 200 ms after the first. Arrival
    // times also carry each connection's set-up, which a loaded machine stretches to ~100 ms; a
    // limiter that did not wait would deliver all six within a few ms of each other.
    expect(times[5]! - times[0]!).toBeGreaterThanOrEqual(90);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(6);
    // and the flag overrides the config
    target.resetCounts();
    await migrate(['--provider', 'target', '--rpm', '120']); // 2 per second, a burst of 2
    const slow = target.requests.map((q) => q.time).sort((a, b) => a - b);
    expect(slow[5]! - slow[0]!).toBeGreaterThanOrEqual(1800);
  });

  it('Ctrl-C stops a run promptly with exit 130; validate.timeout ends a hung run with exit 1', async () => {
    target.setFaults({ hang: true });
    const child = migrate([]);
    setTimeout(() => child.kill('SIGINT'), 700);
    const started = Date.now();
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(Date.now() - started).toBeLessThan(3000);

    writeConfig('  timeout: 1s\n');
    const timed = await migrate(['--json', 'r.json']);
    expect(timed.exitCode).toBe(1);
    const report = readJson('r.json');
    expect(report.timedOut).toBe(true);
    expect(report.cases[0].target.error).toBe('not answered before validate.timeout ran out');
    // A pass-rate threshold does not turn a run cut short into a pass.
    const lenient = await migrate(['--min-pass-rate', '0']);
    expect(lenient.exitCode).toBe(1);
    expect(lenient.stdout + lenient.stderr).toContain('validate.timeout ran out');
  });

  it('a bad suite exits 2 naming file, line and field', async () => {
    writeFileSync(path.join(dir, 'suite.yaml'), 'cases:\n  - id: x\n    promt: hi\n');
    const r = await migrate([]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('suite.yaml:3 cases[0].promt: unknown key (did you mean "prompt"?)');
    expect(target.count()).toBe(0);
  });
});
