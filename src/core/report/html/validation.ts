import type { CaseReport, SideReport, ValidationReport } from '../../validate/report.js';
import { isFailing, judgedRole, ms, providerCells, reportRoles } from '../failures.js';
import { esc, page, table } from './page.js';

// `validate --html FILE`: the suite's cases with legacy and target side by side. A failing case is
// open (<details open>) so the reason is on screen without a click; passing ones stay folded.

export function renderValidationHtml(report: ValidationReport): string {
  const title = `migrate validate: ${report.ok ? 'passed' : 'failed'}`;
  return page(title, [`<h1>${esc(title)}</h1>`, validationSummary(report), '<h2>Cases</h2>', caseTable(report), conformance(report)].join('\n'));
}

/** Verdict counts, reasons and the provider table: also the validation section of `migrate report`. */
export function validationSummary(report: ValidationReport): string {
  const roles = reportRoles(report);
  const verdicts = Object.entries(report.summary.verdicts)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  const reasons = report.reasons.length ? `<ul class="reasons">${report.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '';
  const rows = roles.map((role) => {
    const p = report.providers[role]!;
    const cells = providerCells(p);
    return {
      cells: [
        esc(role),
        esc(p.baseUrl),
        esc(cells.passed),
        esc(ms(p.latencyMs.p50)),
        esc(ms(p.latencyMs.p95)),
        esc(p.tokens.total),
        esc(`${p.findings.error} / ${p.findings.warning}`),
      ],
    };
  });
  return [
    `<p class="validation ${report.ok ? 'pass' : 'fail'}"><strong>${report.ok ? 'passed' : 'failed'}</strong> · ${esc(report.summary.cases)} cases (${esc(verdicts || 'none')}) · started ${esc(report.startedAt)} · ${esc((report.durationMs / 1000).toFixed(1))} s · migrate ${esc(report.tool.version)}</p>`,
    reasons,
    table(['provider', 'base URL', 'passed', 'p50', 'p95', 'tokens', 'conformance errors / warnings'], rows),
  ].join('\n');
}

function caseTable(report: ValidationReport): string {
  const roles = reportRoles(report);
  const judged = judgedRole(report);
  const rows = report.cases.map((c) => ({
    rowClass: `case ${c.verdict}`,
    cells: [caseCell(c), esc(c.verdict), ...roles.map((role) => sideCell(c[role], isFailing(c, judged) || c[role]?.status !== 'pass'))],
  }));
  return table(['case', 'verdict', ...roles], rows);
}

function caseCell(c: CaseReport): string {
  const vars = c.vars
    ? `<br><span class="muted">${esc(
        Object.entries(c.vars)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      )}</span>`
    : '';
  return `<strong>${esc(c.key)}</strong><br><code>${esc(`${c.file}:${c.line}`)}</code> · ${esc(c.model)}${vars}`;
}

/** Status line always shown; the answer, assertions and findings folded, open when `open`. */
function sideCell(side: SideReport | undefined, open: boolean): string {
  if (!side) return '<span class="muted">not run</span>';
  const head = [side.status, ms(side.latencyMs), side.httpStatus ? `HTTP ${side.httpStatus}` : '', side.attempts > 1 ? `${side.attempts} attempts` : '']
    .filter(Boolean)
    .join(' · ');
  const body = [
    side.error ? `<p><strong>error:</strong> ${esc(side.error)}</p>` : '',
    side.assertions.length
      ? `<ul>${side.assertions.map((a) => `<li class="${esc(a.status)}">${esc(a.status)}: ${esc(a.name)}${a.message ? ` (${esc(a.message)})` : ''}</li>`).join('')}</ul>`
      : '',
    side.findings.length ? `<ul>${side.findings.map((f) => `<li>${esc(f.severity)} <code>${esc(f.rule)}</code>: ${esc(f.message)}</li>`).join('')}</ul>` : '',
    side.content !== undefined ? `<pre>${esc(side.content)}</pre>` : '',
    side.toolCalls?.length ? `<pre>${esc(side.toolCalls.map((t) => `${t.name ?? '?'}(${t.arguments})`).join('\n'))}</pre>` : '',
  ].join('');
  return `<details${open ? ' open' : ''} class="side ${esc(side.status)}"><summary>${esc(head)}</summary>${body}</details>`;
}

function conformance(report: ValidationReport): string {
  if (report.conformance.length === 0) return '<h2>Conformance</h2><p>No findings.</p>';
  const rows = report.conformance.map((e) => ({
    rowClass: e.severity === 'error' ? 'fail' : 'inconclusive',
    cells: [esc(e.provider), esc(e.severity), `<code>${esc(e.rule)}</code>`, esc(e.explain), esc(e.message), esc(e.count)],
  }));
  return `<h2>Conformance</h2>${table(['provider', 'severity', 'rule', 'meaning', 'example', 'count'], rows)}`;
}
