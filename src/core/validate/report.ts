import type { ProviderConfig, ProviderRole } from '../config/schema.js';
import { RULES, type RuleId, type Severity } from '../openai/rules.js';
import { SCHEMA_SOURCE } from '../openai/schemas.js';
import { percentile } from '../stats.js';
import type { AssertionResult } from './assertions.js';
import { costOf, type CostSummary, type PricedUsage } from './cost.js';
import type { RunResult, CaseResult } from './run.js';
import type { SideResult } from './side.js';
import type { Suite } from './suite.js';
import { VERDICTS, type Verdict } from './verdict.js';

// The `--json` document. Its shape is a contract (docs/commands.md, `migrate validate`, JSON report): add fields, never
// rename or remove them without bumping schemaVersion.
export const REPORT_SCHEMA_VERSION = 1;

export interface ValidationReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'migrate'; version: string };
  startedAt: string;
  durationMs: number;
  /** Exit 0: no regression, no target error, no conformance error on target (or the pass rate met --min-pass-rate). */
  ok: boolean;
  exitCode: 0 | 1;
  reasons: string[];
  timedOut: boolean;
  openapi: typeof SCHEMA_SOURCE;
  suites: Array<{ name: string; file: string; cases: number }>;
  providers: Partial<Record<ProviderRole, ProviderSummary>>;
  summary: { cases: number; verdicts: Record<Verdict, number>; minPassRate?: number };
  conformance: ConformanceEntry[];
  cases: CaseReport[];
}

export interface ProviderSummary {
  baseUrl: string;
  passed: number;
  failed: number;
  errors: number;
  passRate: number;
  latencyMs: { p50?: number; p95?: number };
  tokens: { prompt: number; completion: number; total: number };
  findings: { error: number; warning: number };
  cost?: CostSummary;
  /** Why there is no cost although the provider has prices, e.g. `no price for model gpt-4.1-mini in providers.target.prices`. */
  costNote?: string;
}

export interface ConformanceEntry {
  provider: ProviderRole;
  rule: RuleId;
  severity: Severity;
  /** What the rule means and what to do. */
  explain: string;
  /** The first occurrence, e.g. `chunk 3: choices[0].delta.tool_calls[0].index: required field is missing`. */
  message: string;
  /** Case keys (or `probe:bad-key`, `probe:unknown-model`, `probe:models`) where it was seen. */
  cases: string[];
  count: number;
}

export interface CaseReport {
  key: string;
  id: string;
  file: string;
  line: number;
  model: string;
  vars?: Record<string, string | number | boolean>;
  verdict: Verdict;
  legacy?: SideReport;
  target?: SideReport;
}

export interface SideReport {
  status: SideResult['status'];
  latencyMs: number;
  ttftMs?: number;
  attempts: number;
  httpStatus?: number;
  error?: string;
  finishReason?: string;
  model?: string;
  usage?: { prompt: number; completion: number; total: number };
  /** The answer text, cut at 2000 characters. */
  content?: string;
  toolCalls?: Array<{ name?: string; arguments: string }>;
  assertions: AssertionResult[];
  findings: Array<{ rule: RuleId; severity: Severity; message: string }>;
}

export interface ReportInput {
  result: RunResult;
  suites: Suite[];
  providers: Partial<Record<ProviderRole, ProviderConfig>>;
  version: string;
  startedAt: Date;
  minPassRate?: number;
  dailyRequests?: number;
}

export function buildReport(input: ReportInput): ValidationReport {
  const { result } = input;
  const roles = (['legacy', 'target'] as const).filter((r) => input.providers[r]);
  const cases = result.cases.map(caseReport);
  const conformance = collectConformance(result, roles);
  const providers = Object.fromEntries(roles.map((r) => [r, providerSummary(r, input.providers[r]!, result.cases, conformance, input.dailyRequests)]));
  const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, cases.filter((c) => c.verdict === v).length])) as Record<Verdict, number>;
  const reasons = failureReasons(verdicts, providers.target ?? providers.legacy, conformance, roles, input.minPassRate, result.timedOut);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'migrate', version: input.version },
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(result.durationMs),
    ok: reasons.length === 0,
    exitCode: reasons.length === 0 ? 0 : 1,
    reasons,
    timedOut: result.timedOut,
    openapi: SCHEMA_SOURCE,
    suites: input.suites.map((s) => ({ name: s.name, file: s.file, cases: s.runs.length })),
    providers,
    summary: { cases: cases.length, verdicts, ...(input.minPassRate !== undefined ? { minPassRate: input.minPassRate } : {}) },
    conformance,
    cases,
  };
}

/**
 * Why the run fails (empty when it passes). The target is judged; with --provider legacy the
 * legacy side is. --min-pass-rate replaces the verdict rules with a pass-rate threshold.
 */
function failureReasons(
  verdicts: Record<Verdict, number>,
  judged: ProviderSummary | undefined,
  conformance: ConformanceEntry[],
  roles: readonly ProviderRole[],
  minPassRate: number | undefined,
  timedOut: boolean,
): string[] {
  const role = roles.includes('target') ? 'target' : 'legacy';
  // A run cut short never passes: the cases that did not run would count for nothing.
  const cutShort = timedOut ? ['validate.timeout ran out before every request finished'] : [];
  if (minPassRate !== undefined) {
    const rate = judged?.passRate ?? 0;
    return [...(rate >= minPassRate ? [] : [`${role} pass rate ${percent(rate)} is below --min-pass-rate ${percent(minPassRate)}`]), ...cutShort];
  }
  const reasons: string[] = [];
  if (verdicts.regression) reasons.push(`${verdicts.regression} regression(s): legacy passes, target fails`);
  if (verdicts.fail) reasons.push(`${verdicts.fail} case(s) failed on ${role}`);
  if (judged?.errors) reasons.push(`${judged.errors} case(s) got no answer from ${role}`);
  const errors = conformance.filter((c) => c.provider === role && c.severity === 'error');
  if (errors.length) reasons.push(`${errors.length} conformance rule(s) broken by ${role}: ${errors.map((e) => e.rule).join(', ')}`);
  return [...reasons, ...cutShort];
}

function percent(n: number): string {
  return `${Math.round(n * 1000) / 10}%`;
}

function caseReport(c: CaseResult): CaseReport {
  const out: CaseReport = { key: c.run.key, id: c.run.caseId, file: c.run.file, line: c.run.line, model: c.model, verdict: c.verdict };
  if (c.run.vars) out.vars = c.run.vars;
  if (c.legacy) out.legacy = sideReport(c.legacy);
  if (c.target) out.target = sideReport(c.target);
  return out;
}

function sideReport(side: SideResult): SideReport {
  const a = side.answer;
  const out: SideReport = { status: side.status, latencyMs: Math.round(side.latencyMs), attempts: side.attempts, assertions: side.assertions, findings: side.findings };
  if (side.ttftMs !== undefined) out.ttftMs = Math.round(side.ttftMs);
  if (side.httpStatus !== undefined) out.httpStatus = side.httpStatus;
  if (side.error) out.error = side.error;
  if (a?.finishReason) out.finishReason = a.finishReason;
  if (a?.model) out.model = a.model;
  if (a?.usage) out.usage = { prompt: a.usage.promptTokens, completion: a.usage.completionTokens, total: a.usage.totalTokens };
  if (a) out.content = a.content.length > 2000 ? `${a.content.slice(0, 2000)}…` : a.content;
  if (a?.toolCalls.length) out.toolCalls = a.toolCalls.map(({ name, arguments: args }) => ({ name, arguments: args }));
  return out;
}

function collectConformance(result: RunResult, roles: readonly ProviderRole[]): ConformanceEntry[] {
  const entries = new Map<string, ConformanceEntry>();
  const add = (provider: ProviderRole, where: string, f: { rule: RuleId; severity: Severity; message: string }) => {
    const key = `${provider} ${f.rule} ${f.severity}`;
    const entry = entries.get(key) ?? { provider, rule: f.rule, severity: f.severity, explain: RULES[f.rule].explain, message: f.message, cases: [], count: 0 };
    entry.count++;
    if (!entry.cases.includes(where)) entry.cases.push(where);
    entries.set(key, entry);
  };
  for (const role of roles) {
    for (const c of result.cases) for (const f of c[role]?.findings ?? []) add(role, c.run.key, f);
    for (const p of result.probes[role] ?? []) for (const f of p.findings) add(role, `probe:${p.kind}`, f);
  }
  const rank = (e: ConformanceEntry) => (e.severity === 'error' ? 0 : 1);
  return [...entries.values()].sort((a, b) => a.provider.localeCompare(b.provider) || rank(a) - rank(b) || a.rule.localeCompare(b.rule));
}

function providerSummary(role: ProviderRole, provider: ProviderConfig, cases: CaseResult[], conformance: ConformanceEntry[], dailyRequests?: number): ProviderSummary {
  const sides = cases.map((c) => ({ side: c[role]!, model: c.model })).filter((s) => s.side);
  const answered = sides.filter((s) => s.side.status !== 'error');
  const usage: PricedUsage[] = answered.flatMap((s) => (s.side.answer?.usage ? [{ model: s.model, usage: s.side.answer.usage }] : []));
  const sum = (pick: (u: PricedUsage['usage']) => number) => usage.reduce((n, u) => n + pick(u.usage), 0);
  const latencies = answered.map((s) => s.side.latencyMs);
  const mine = conformance.filter((c) => c.provider === role);
  const count = (status: SideResult['status']) => sides.filter((s) => s.side.status === status).length;
  const summary: ProviderSummary = {
    baseUrl: provider.baseUrl,
    passed: count('pass'),
    failed: count('fail'),
    errors: count('error'),
    passRate: sides.length ? count('pass') / sides.length : 0,
    latencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)) },
    tokens: { prompt: sum((u) => u.promptTokens), completion: sum((u) => u.completionTokens), total: sum((u) => u.totalTokens) },
    findings: { error: mine.filter((c) => c.severity === 'error').length, warning: mine.filter((c) => c.severity === 'warning').length },
  };
  const { cost, note } = costOf(role, provider, usage, dailyRequests);
  if (cost) summary.cost = cost;
  if (note) summary.costNote = note;
  return summary;
}

function round(n: number | undefined): number | undefined {
  return n === undefined ? undefined : Math.round(n);
}
