import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderAnnotations } from '../../src/core/report/github.js';
import { renderJunit } from '../../src/core/report/junit.js';
import { renderMarkdown } from '../../src/core/report/markdown.js';
import { renderTerminal } from '../../src/core/report/terminal.js';
import { makeColors } from '../../src/core/output/color.js';
import { providerSchema } from '../../src/core/config/schema.js';
import { buildReport, type ReportInput } from '../../src/core/validate/report.js';
import type { CaseResult, RunResult } from '../../src/core/validate/run.js';
import type { SideResult } from '../../src/core/validate/side.js';
import type { CaseRun } from '../../src/core/validate/suite.js';
import { verdictOf } from '../../src/core/validate/verdict.js';

const usage = { promptTokens: 1000, completionTokens: 500, totalTokens: 1500 };
const side = (status: SideResult['status'], over: Partial<SideResult> = {}): SideResult => ({
  status,
  latencyMs: 100,
  attempts: 1,
  assertions: status === 'fail' ? [{ name: 'contains', status: 'fail', message: 'contains "Paris"; answer was "Lyon, 100%"' }] : [],
  findings: [],
  answer: status === 'error' ? undefined : { content: 'x', toolCalls: [], finishReason: 'stop', usage },
  error: status === 'error' ? 'HTTP 503: overloaded' : undefined,
  ...over,
});
const run = (key: string, line: number): CaseRun => ({ key, caseId: key, file: 'suites/app.yaml', line, params: {}, messages: [], assertions: [] });
const kase = (key: string, line: number, legacy?: SideResult, target?: SideResult): CaseResult => ({
  run: run(key, line),
  model: 'gpt-4.1',
  verdict: verdictOf(legacy, target),
  legacy,
  target,
});
const provider = (prices?: Record<string, { input: number; output: number; currency?: string }>) =>
  providerSchema.parse({ baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'sk-x', prices });

function input(cases: CaseResult[], over: Partial<ReportInput> = {}): ReportInput {
  const result: RunResult = { cases, probes: {}, timedOut: false, durationMs: 1234 };
  return {
    result,
    suites: [{ name: 'app', file: 'suites/app.yaml', runs: cases.map((c) => c.run) }],
    providers: { legacy: provider({ 'gpt-4.1': { input: 2, output: 8 } }), target: provider({ 'gpt-4.1': { input: 1, output: 4 } }) },
    version: '0.1.0',
    startedAt: new Date(0),
    dailyRequests: 1000,
    ...over,
  };
}

describe('verdicts', () => {
  it('pass, regression, both-fail, improved, error, fail', () => {
    expect(verdictOf(side('pass'), side('pass'))).toBe('pass');
    expect(verdictOf(side('pass'), side('fail'))).toBe('regression');
    expect(verdictOf(side('fail'), side('fail'))).toBe('both-fail');
    expect(verdictOf(side('fail'), side('pass'))).toBe('improved');
    expect(verdictOf(side('error'), side('pass'))).toBe('error');
    expect(verdictOf(undefined, side('fail'))).toBe('fail');
    expect(verdictOf(undefined, side('pass'))).toBe('pass');
  });
});

describe('the JSON report', () => {
  it('a clean run passes, with latency, tokens and the projected monthly cost per provider', () => {
    const report = buildReport(input([kase('a', 3, side('pass'), side('pass')), kase('b', 9, side('pass'), side('pass', { latencyMs: 300 }))]));
    expect(report).toMatchObject({ schemaVersion: 1, ok: true, exitCode: 0, reasons: [], summary: { cases: 2, verdicts: { pass: 2, regression: 0 } } });
    expect(report.openapi.repository).toBe('https://github.com/openai/openai-openapi');
    // 2 requests x (1000 x 1 + 500 x 4) / 1e6 = 0.006; per request 0.003; x 1000/day x 30 = 90
    expect(report.providers.target).toMatchObject({
      passed: 2,
      passRate: 1,
      latencyMs: { p50: 100, p95: 300 },
      tokens: { total: 3000 },
      cost: { suite: 0.006, monthly: 90, currency: 'USD', dailyRequests: 1000 },
    });
    expect(report.providers.legacy!.cost!.monthly).toBe(180);
  });

  it('a regression, a target error, or a target conformance error fails the run; legacy errors and both-fail do not', () => {
    expect(buildReport(input([kase('a', 3, side('pass'), side('fail'))])).reasons).toEqual(['1 regression(s): legacy passes, target fails']);
    expect(buildReport(input([kase('a', 3, side('fail'), side('fail')), kase('b', 4, side('error'), side('pass'))])).ok).toBe(true);
    expect(buildReport(input([kase('a', 3, side('pass'), side('error'))])).reasons).toEqual(['1 case(s) got no answer from target']);
    const finding = { rule: 'usage.missing' as const, severity: 'error' as const, message: 'the response has no usage object' };
    const broken = buildReport(input([kase('a', 3, side('pass'), side('pass', { findings: [finding] })), kase('b', 4, side('pass'), side('pass', { findings: [finding] }))]));
    expect(broken.reasons).toEqual(['1 conformance rule(s) broken by target: usage.missing']);
    expect(broken.conformance).toEqual([
      { provider: 'target', rule: 'usage.missing', severity: 'error', explain: expect.any(String), message: finding.message, cases: ['a', 'b'], count: 2 },
    ]);
    const warned = buildReport(input([kase('a', 3, side('pass', { findings: [{ ...finding, severity: 'error' }] }), side('pass'))]));
    expect(warned.ok).toBe(true);
  });

  it('--min-pass-rate replaces the verdict rules', () => {
    const cases = [
      kase('a', 3, side('pass'), side('fail')),
      kase('b', 4, side('pass'), side('pass')),
      kase('c', 5, side('pass'), side('pass')),
      kase('d', 6, side('pass'), side('pass')),
    ];
    expect(buildReport(input(cases, { minPassRate: 0.75 })).ok).toBe(true);
    expect(buildReport(input(cases, { minPassRate: 0.8 })).reasons).toEqual(['target pass rate 75% is below --min-pass-rate 80%']);
  });

  it('one provider: its failures are verdict fail and count', () => {
    const report = buildReport(input([kase('a', 3, undefined, side('fail'))], { providers: { target: provider() } }));
    expect(report.providers.legacy).toBeUndefined();
    expect(report.reasons).toEqual(['1 case(s) failed on target']);
    expect(report.providers.target!.cost).toBeUndefined();
    expect(report.providers.target!.costNote).toBeUndefined(); // no prices configured: nothing to explain
  });

  it('no cost, and a note saying why, when a model has no price or the prices mix currencies', () => {
    const mini = (c: CaseResult): CaseResult => ({ ...c, model: 'gpt-4.1-mini' });
    const unpriced = buildReport(input([kase('a', 3, side('pass'), side('pass')), mini(kase('b', 4, side('pass'), side('pass')))]));
    expect(unpriced.providers.target).not.toHaveProperty('cost');
    expect(unpriced.providers.target!.costNote).toBe('no price for model gpt-4.1-mini in providers.target.prices');
    const mixed = { target: provider({ 'gpt-4.1': { input: 1, output: 4 }, 'gpt-4.1-mini': { input: 1, output: 2, currency: 'CNY' } }) };
    const report = buildReport(input([kase('a', 3, undefined, side('pass')), mini(kase('b', 4, undefined, side('pass')))], { providers: mixed }));
    expect(report.providers.target!.costNote).toBe('the prices of the models used mix currencies (USD, CNY)');
    const silent = buildReport(input([kase('a', 3, side('pass'), side('pass', { answer: { content: 'x', toolCalls: [] } }))]));
    expect(silent.providers.target!.costNote).toBe('no answered request reported token usage');
    expect(silent.providers.legacy!.cost).toBeDefined();
  });
});

describe('renderers', () => {
  const report = buildReport(
    input([
      kase('ok', 3, side('pass'), side('pass')),
      kase('bad', 9, side('pass'), side('fail', { findings: [{ rule: 'finish-reason.missing', severity: 'error', message: 'choice 0: no chunk carried a finish_reason' }] })),
      kase('down', 12, side('pass'), side('error')),
      kase('meh', 15, side('fail'), side('fail')),
    ]),
  );

  it('JUnit XML parses, with one failure per failing case and per target conformance error', () => {
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(renderJunit(report));
    const [cases, rules] = xml.testsuites.testsuite;
    expect(xml.testsuites.failures).toBe('3');
    expect(cases.testcase.map((t: { name: string; failure?: unknown; skipped?: unknown }) => [t.name, t.failure ? 'failure' : t.skipped !== undefined ? 'skipped' : 'ok'])).toEqual(
      [
        ['ok', 'ok'],
        ['bad', 'failure'],
        ['down', 'failure'],
        ['meh', 'skipped'],
      ],
    );
    expect(cases.testcase[1].failure.type).toBe('regression');
    expect(cases.testcase[1].failure['#text']).toContain('contains "Paris"; answer was "Lyon, 100%"');
    expect(cases.testcase[1].file).toBe('suites/app.yaml');
    expect(rules.testcase.name).toBe('finish-reason.missing');
  });

  it('markdown has the summary, the side-by-side table and the failures', () => {
    const md = renderMarkdown(report);
    expect(md).toMatch(/^## migrate validate: ❌ failed/);
    expect(md).toContain('| bad | pass | fail (1 conformance) | regression |');
    expect(md).toContain('- **bad** on target (`suites/app.yaml:9`): contains: contains "Paris"; answer was "Lyon, 100%"');
    expect(md).toContain('| target | error | `finish-reason.missing` |');
  });

  it('GitHub annotations point at the suite line and escape workflow-command characters', () => {
    expect(renderAnnotations(report)).toEqual([
      '::error file=suites/app.yaml,line=9,title=regression%3A bad::contains: contains "Paris"; answer was "Lyon, 100%25"',
      '::error file=suites/app.yaml,line=12,title=error%3A down::no answer: HTTP 503: overloaded',
      expect.stringMatching(/^::error file=suites\/app\.yaml,line=9,title=conformance finish-reason\.missing::choice 0: no chunk carried a finish_reason: /),
    ]);
  });

  it('the terminal report shows the table, failures, conformance and the summary', () => {
    const text = renderTerminal(report, makeColors(false));
    expect(text).toMatch(/^case\s+legacy\s+target\s+verdict\n/);
    expect(text).toMatch(/bad\s+pass\s+fail \(1 conformance\)\s+regression/);
    expect(text).toContain('down on target (suites/app.yaml:12):\n  - no answer: HTTP 503: overloaded');
    expect(text).toMatch(/target\s+1\/4\s+100 ms\s+100 ms/);
    expect(text).toContain('monthly @ 1000/day');
    expect(text).toContain('validation failed: 1 regression(s)');
  });
});
