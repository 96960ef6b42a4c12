// End to end (built CLI, fake providers on loopback): what a relay's error answers become in every
// output of `validate`. Keys echoed back in any shape never appear; header values that are not
// credentials (x-portkey-provider: openai) are shown as they are; a body that is not OpenAI's error
// envelope is an error.envelope finding and its text is the failure; a base URL without /v1 gets
// the same hint as `check`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';

const LEGACY_KEY = 'sk-legacy-bodies-0123456789abcdefgh';
const TARGET_KEY = 'sk-target-bodies-Zyxwvutsrqponmlkji';
const HELICONE_KEY = 'sk-helicone-4f8a9c2e7b1d3f5a6c8e0b2d';
const SUITE = `name: one\ncases:\n  - id: chat\n    prompt: 'Reply with exactly "PONG"'\n    assert: [{ icontains: pong }]\n`;

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
  dir = tempProject('validate-bodies-');
  writeFileSync(path.join(dir, 'suite.yaml'), SUITE);
  writeConfig(target.url);
  target.resetFaults();
});

function writeConfig(targetUrl: string) {
  writeFileSync(
    path.join(dir, 'migrate.yaml'),
    `version: 1
providers:
  legacy: { baseUrl: "${legacy.url}", apiKey: "\${LEGACY_KEY}" }
  target:
    baseUrl: "${targetUrl}"
    apiKey: "\${TARGET_KEY}"
    headers: { x-portkey-provider: openai, Helicone-Auth: "Bearer \${HELICONE_KEY}" }
models: [gpt-4.1]
validate: { suites: [suite.yaml] }
`,
  );
}

function migrate(command: string, args: string[] = []) {
  return runCli([command, '--config', path.join(dir, 'migrate.yaml'), ...args], {
    cwd: dir,
    env: { LEGACY_KEY, TARGET_KEY, HELICONE_KEY, GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') },
  });
}

const REPORTS = ['report.json', 'report.xml', 'report.md', 'summary.md'];
const reportArgs = ['--json', 'report.json', '--junit', 'report.xml', '--markdown', 'report.md'];
const everything = (r: { stdout: string; stderr: string }) => [r.stdout, r.stderr, ...REPORTS.map((f) => readFileSync(path.join(dir, f), 'utf8'))].join('\n');

/** The first run of 12 characters of `key` found in `text`, any letter case. */
function leakedRun(text: string, key: string): string | undefined {
  const lower = text.toLowerCase();
  for (let i = 0; i + 12 <= key.length; i++) if (lower.includes(key.slice(i, i + 12).toLowerCase())) return key.slice(i, i + 12);
  return undefined;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const envelope = (message: string) => JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } });

describe('validate: error bodies', () => {
  it('a relay that echoes the keys lower-cased, in base64, as a tail or split leaks none of them; x-portkey-provider: openai is not taken for a secret', async () => {
    const echo = `openai error: undefined; key ${TARGET_KEY.toLowerCase()} basic ${b64(`user:${TARGET_KEY}`)} tail ${TARGET_KEY.slice(-25)} split ${TARGET_KEY.slice(0, 17)}\\n${TARGET_KEY.slice(17)} auth ${HELICONE_KEY.toUpperCase()} ${b64(HELICONE_KEY)}`;
    target.setFaults({ rawReply: { status: 400, body: envelope(echo) } });
    const r = await migrate('validate', reportArgs);
    expect(r.exitCode, r.stderr).toBe(1);
    const all = everything(r);
    for (const key of [TARGET_KEY, HELICONE_KEY, LEGACY_KEY]) expect(leakedRun(all, key)).toBeUndefined();
    for (const key of [TARGET_KEY, HELICONE_KEY]) expect(all).not.toContain(b64(key).slice(4, 20));
    expect(all).not.toContain(b64(`user:${TARGET_KEY}`).slice(8, 24));
    for (const file of ['stdout', ...REPORTS]) {
      const text = file === 'stdout' ? r.stdout : readFileSync(path.join(dir, file), 'utf8');
      expect(text, file).toContain('openai error: undefined');
    }
    expect(all).not.toContain('[redacted] error');
  });

  const bodies: Array<[string, number, string, string]> = [
    ['a bare error string', 400, '{"error":"SyntaxError"}', 'SyntaxError'],
    ['a status/failure object', 422, '{"status":"failure","msg":"quota exhausted for this channel"}', 'quota exhausted for this channel'],
    ["a relay's html-message", 403, '{"html-message":"upstream channel blocked by the relay"}', 'upstream channel blocked by the relay'],
    ['plain text', 400, 'Bad Request: no such route', 'Bad Request: no such route'],
  ];
  it.each(bodies)('%s (HTTP %i) is an error.envelope finding, and its text is the failure', async (_what, status, body, text) => {
    target.setFaults({ rawReply: { status, body, contentType: body.startsWith('{') ? 'application/json' : 'text/plain' } });
    const r = await migrate('validate', ['--json', 'report.json']);
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    const envelopeFinding = report.conformance.find((c: { provider: string; rule: string }) => c.provider === 'target' && c.rule === 'error.envelope');
    expect(envelopeFinding?.severity).toBe('error');
    expect(envelopeFinding.cases).toContain('chat');
    expect(report.cases[0].target.error).toMatch(new RegExp(`^HTTP ${status}: .*${text}`));
    expect(r.stdout).toContain(text);
    expect(report.cases[0].legacy.status).toBe('pass');
  });

  it('GET /models answered with a plain-text 404 is an error.envelope finding of the models probe', async () => {
    target.setFaults({ rawReply: { status: 404, body: '404 page not found\n', contentType: 'text/plain', paths: ['/v1/models'] } });
    const r = await migrate('validate', ['--json', 'report.json', '--provider', 'target']);
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    const rules = report.conformance.map((c: { rule: string; severity: string; cases: string[] }) => `${c.severity} ${c.rule} ${c.cases.join(',')}`);
    expect(rules).toEqual(expect.arrayContaining(['warning models.list probe:models', 'error error.envelope probe:models']));
    expect(report.cases[0].target.status).toBe('pass');
  });

  it('an OpenAI envelope on an error is not an error.envelope finding', async () => {
    target.setFaults({ rawReply: { status: 400, body: envelope('context too long') } });
    const r = await migrate('validate', ['--json', 'report.json']);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(
      report.conformance.filter((c: { provider: string; rule: string }) => c.provider === 'target' && c.rule === 'error.envelope'),
      r.stderr,
    ).toEqual([]);
    expect(report.cases[0].target.error).toContain('HTTP 400: context too long');
  });

  it('a base URL without /v1 gets the hint check gives, and its 404 page is an error.envelope finding', async () => {
    writeConfig(target.url.replace(/\/v1$/, ''));
    const v = await migrate('validate', ['--json', 'report.json', '--provider', 'target']);
    expect(v.exitCode, v.stderr).toBe(1);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    const hint = 'baseUrl probably needs a trailing /v1';
    expect(report.cases[0].target.error).toContain(hint);
    expect(v.stdout).toContain(hint);
    expect(report.conformance.map((c: { rule: string }) => c.rule)).toContain('error.envelope');
    const c = await migrate('check', ['--provider', 'target', '--samples', '1']);
    expect(c.exitCode).toBe(1);
    expect(c.stdout).toContain(hint);
  });
});

describe('validate and check: answers that are not UTF-8', () => {
  const completion = (content: Buffer) =>
    Buffer.concat([
      Buffer.from('{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4.1","choices":[{"index":0,"message":{"role":"assistant","content":"'),
      content,
      Buffer.from('","refusal":null},"finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}'),
    ]);
  const CHUNK = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":';
  const stream = (content: Buffer) =>
    Buffer.concat([
      Buffer.from(`data: ${CHUNK}[{"index":0,"delta":{"role":"assistant","content":"`),
      content,
      Buffer.from(`"},"finish_reason":null}]}\n\n`),
      Buffer.from(`data: ${CHUNK}[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`),
      Buffer.from(`data: ${CHUNK}[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}\n\ndata: [DONE]\n\n`),
    ]);

  it('a body with bytes that are not UTF-8 is a response.encoding finding, though the answer passes its asserts', async () => {
    target.setFaults({ rawReply: { bodyBase64: completion(Buffer.from([0x50, 0x4f, 0x4e, 0x47, 0x20, 0xff, 0xfe])).toString('base64') } });
    const r = await migrate('validate', ['--json', 'report.json', '--provider', 'target']);
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(report.cases[0].target.status).toBe('pass');
    expect(report.cases[0].target.findings).toContainEqual(expect.objectContaining({ rule: 'response.encoding', severity: 'error' }));
    expect(r.stdout).toContain('response.encoding');
  });

  it('a stream with such bytes is one too; the same answer in valid UTF-8 (é) has no finding', async () => {
    writeFileSync(
      path.join(dir, 'stream.yaml'),
      `name: s\ncases:\n  - id: streamed\n    stream: true\n    prompt: 'Reply with exactly "PONG"'\n    assert: [{ icontains: pong }]\n`,
    );
    const sse = (bytes: number[]) => ({ rawReply: { contentType: 'text/event-stream', bodyBase64: stream(Buffer.from([0x50, 0x4f, 0x4e, 0x47, ...bytes])).toString('base64') } });
    target.setFaults(sse([0x20, 0xc3]));
    const bad = await migrate('validate', ['--json', 'report.json', '--provider', 'target', '--suite', 'stream.yaml']);
    const badReport = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(
      badReport.cases[0].target.findings.map((f: { rule: string }) => f.rule),
      bad.stderr,
    ).toEqual(['response.encoding']);

    target.setFaults(sse([0x20, 0xc3, 0xa9]));
    const good = await migrate('validate', ['--json', 'report.json', '--provider', 'target', '--suite', 'stream.yaml']);
    expect(good.exitCode, good.stdout).toBe(0);
    const goodReport = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(goodReport.cases[0].target.findings).toEqual([]);
    expect(goodReport.cases[0].target.content).toBe('PONG é');
  });

  it('check fails the chat step of such a provider, exit 1', async () => {
    target.setFaults({ rawReply: { bodyBase64: completion(Buffer.from([0x50, 0x4f, 0x4e, 0x47, 0xff])).toString('base64'), paths: ['/v1/chat/completions'] } });
    const r = await migrate('check', ['--provider', 'target', '--samples', '1']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toContain('chat: the answer holds bytes that are not UTF-8');
  });
});
