import type { GateRecord, RampState } from '../../state/ramp.js';
import type { ProviderSummary, ValidationReport } from '../../validate/report.js';
import { esc, facts, page, table } from './page.js';
import { legendSvg, timelineSvg, type Role } from './timeline.js';
import { validationSummary } from './validation.js';

// `migrate report`: the last ramp of one environment as one self-contained HTML file, from the
// ramp's state file (stages, every gate decision and the figures behind it) and the last
// validation report kept in the state directory.

export interface RampReportInput {
  state: RampState;
  validation?: ValidationReport;
  generatedAt: Date;
  version: string;
}

type Figures = NonNullable<GateRecord['checks'][number]['target']>;

export function renderRampReport(input: RampReportInput): string {
  const { state } = input;
  const title = `migrate: ramp of ${state.environment}, ${state.status}`;
  return page(
    title,
    [
      `<h1>${esc(title)}</h1>`,
      summary(input),
      '<h2>Stages</h2>',
      stagesTable(state),
      '<h2>Timeline</h2>',
      charts(state),
      `<h2>Decisions (${state.gates.length})</h2>`,
      decisionsTable(state),
      '<h2>Validation</h2>',
      input.validation
        ? validationSection(input.validation, state)
        : '<p class="muted">No validation recorded: run <code>migrate validate</code> (or ramp with <code>--validate</code>).</p>',
      '<h2>Cost</h2>',
      costSection(input.validation),
    ].join('\n'),
  );
}

function summary({ state, generatedAt, version }: RampReportInput): string {
  const pairs: Array<[string, string]> = [
    ['status', state.status],
    ['stages', state.stages.map((s) => `${s.weight}%`).join(' → ')],
    ['traffic on target now', `${state.appliedWeight}%`],
    ['driver', state.driver],
    ['started', state.startedAt],
    ['ended', state.endedAt ?? '(still running)'],
    ['backup', state.backupId ?? '-'],
    ['why it stopped', state.reason ?? '-'],
  ];
  return `${facts(pairs)}<p class="muted">Written ${esc(generatedAt.toISOString())} by migrate ${esc(version)} from the state of ${esc(state.environment)}.</p>`;
}

function stagesTable(state: RampState): string {
  const rows = state.stages.map((s, i) => ({
    rowClass: `stage ${s.status === 'passed' ? 'pass' : s.status === 'failed' ? 'fail' : ''}`.trim(),
    cells: [esc(i + 1), esc(`${s.weight}%`), esc(s.status), esc(s.startedAt ?? '-'), esc(s.endedAt ?? '-'), esc(state.gates.filter((g) => g.stage === i).length)],
  }));
  return table(['stage', 'weight', 'status', 'started', 'ended', 'decisions'], rows);
}

/** The figures a decision was taken on for one provider: the first check that measured it. */
function figuresOf(g: GateRecord, role: Role): { errorRate?: number; p95Ms?: number; requests?: number } {
  const f: Figures | undefined = g.checks.map((c) => c[role]).find((x) => x && (x.errorRate !== undefined || x.requests !== undefined || x.p95Ms !== undefined));
  if (!f) return {};
  const errorRate = f.errorRate ?? (f.requests ? (f.errors ?? 0) / f.requests : undefined);
  return { errorRate, p95Ms: f.p95Ms, requests: f.requests };
}

function charts(state: RampState): string {
  if (state.gates.length === 0) return '<p class="muted">No gate decided yet: nothing to chart.</p>';
  const times = state.gates.map((g) => Date.parse(g.at));
  const start = Math.min(Date.parse(state.startedAt), ...times);
  const end = Math.max(state.endedAt ? Date.parse(state.endedAt) : 0, ...times);
  const roles = (['target', 'legacy'] as const).filter((role) => state.gates.some((g) => figuresOf(g, role).requests !== undefined || figuresOf(g, role).p95Ms !== undefined));
  const stages = state.stages.flatMap((s, i) => (s.startedAt ? [{ at: Date.parse(s.startedAt), label: `stage ${i + 1} · ${s.weight}%` }] : []));
  const decisions = state.gates.map((g) => ({ at: Date.parse(g.at), outcome: g.outcome, label: `${g.at} ${g.outcome} → ${g.action}: ${g.line}` }));
  const marks = state.status === 'rolled-back' || state.status === 'failed' ? [{ at: end, label: state.status === 'failed' ? 'rollback incomplete' : 'rolled back' }] : [];
  const series = (pick: (f: ReturnType<typeof figuresOf>) => number | undefined) =>
    roles.map((role) => ({ role, points: state.gates.map((g) => ({ at: Date.parse(g.at), value: pick(figuresOf(g, role)) })) }));
  const common = { start, end, stages, decisions, marks };
  return [
    legendSvg(),
    timelineSvg({ ...common, title: 'Error rate per provider, per gate window', format: (v) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`, series: series((f) => f.errorRate) }),
    timelineSvg({ ...common, title: 'p95 latency per provider, per gate window', format: (v) => `${Math.round(v)} ms`, series: series((f) => f.p95Ms) }),
  ].join('\n');
}

function decisionsTable(state: RampState): string {
  const pct = (n: number | undefined) => (n === undefined ? '-' : `${(n * 100).toFixed(1)}%`);
  const msOf = (n: number | undefined) => (n === undefined ? '-' : `${Math.round(n)} ms`);
  const rows = state.gates.map((g, i) => {
    const t = figuresOf(g, 'target');
    const l = figuresOf(g, 'legacy');
    return {
      rowClass: `decision ${g.outcome}`,
      cells: [
        esc(i + 1),
        esc(g.at),
        esc(g.stage + 1),
        esc(`${g.weight}%`),
        esc(g.outcome),
        esc(g.action),
        esc(pct(t.errorRate)),
        esc(msOf(t.p95Ms)),
        esc(t.requests ?? '-'),
        esc(pct(l.errorRate)),
        esc(msOf(l.p95Ms)),
        esc(g.line),
      ],
    };
  });
  return table(['#', 'time', 'stage', 'weight', 'outcome', 'action', 'target errors', 'target p95', 'target requests', 'legacy errors', 'legacy p95', 'decision'], rows);
}

function validationSection(report: ValidationReport, state: RampState): string {
  const before = Date.parse(report.startedAt) < Date.parse(state.startedAt);
  const when = before ? 'before this ramp started' : 'after this ramp started';
  return `<p class="muted">The last validation, run ${esc(when)}.</p>${validationSummary(report)}`;
}

/** Legacy against target from the suite's token usage and each provider's prices. */
function costSection(report: ValidationReport | undefined): string {
  if (!report) return '<p class="muted">No cost: it comes from a validation run with <code>providers.*.prices</code> set.</p>';
  const roles = (['legacy', 'target'] as const).filter((r) => report.providers[r]);
  const money = (n: number | undefined, cur: string) => (n === undefined ? '-' : `${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2)} ${cur}`);
  const rows = roles.map((role) => {
    const p: ProviderSummary = report.providers[role]!;
    const c = p.cost;
    return {
      rowClass: `cost ${role}`,
      cells: [
        esc(role),
        esc(c ? money(c.suite, c.currency) : '-'),
        esc(c ? money(c.perRequest, c.currency) : '-'),
        esc(c?.monthly !== undefined ? money(c.monthly, c.currency) : '-'),
        esc(p.costNote ?? ''),
      ],
    };
  });
  const l = report.providers.legacy?.cost;
  const t = report.providers.target?.cost;
  const change =
    l && t && l.currency === t.currency && l.perRequest > 0
      ? `<p class="saving">Per request, target costs <strong>${esc(((t.perRequest / l.perRequest) * 100).toFixed(0))}%</strong> of legacy (${esc(t.perRequest < l.perRequest ? 'saves' : 'adds')} ${esc(money(Math.abs(l.perRequest - t.perRequest), t.currency))} a request${l.monthly !== undefined && t.monthly !== undefined ? `, ${esc(money(Math.abs(l.monthly - t.monthly), t.currency))} a month` : ''}).</p>`
      : '<p class="muted">No comparison: both providers need prices in the same currency.</p>';
  return `${table(['provider', 'suite cost', 'per request', 'monthly', 'note'], rows)}${change}`;
}
