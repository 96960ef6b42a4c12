import type { Colors } from '../output/color.js';
import { table } from '../output/table.js';
import type { ValidationReport } from '../validate/report.js';
import type { Verdict } from '../validate/verdict.js';
import { dailyRequests, ms, providerCells, reportRoles, sideLabel, sideProblems } from './failures.js';

/** The human report on stdout: side-by-side table, failures explained, conformance, summary. */
export function renderTerminal(report: ValidationReport, c: Colors): string {
  return [caseTable(report, c), failures(report, c), conformance(report, c), summary(report, c)].filter(Boolean).join('\n\n');
}

const VERDICT_COLOR: Record<Verdict, keyof Colors> = { pass: 'green', improved: 'green', regression: 'red', fail: 'red', error: 'red', 'both-fail': 'yellow' };

function caseTable(report: ValidationReport, c: Colors): string {
  const roles = reportRoles(report);
  const header = ['case', ...roles, 'verdict'];
  const rows = report.cases.map((k) => [k.key, ...roles.map((r) => sideLabel(k[r])), c[VERDICT_COLOR[k.verdict]](k.verdict)]);
  return table(header, rows);
}

function failures(report: ValidationReport, c: Colors): string {
  const roles = reportRoles(report);
  const lines: string[] = [];
  for (const k of report.cases) {
    for (const role of roles) {
      const problems = sideProblems(k[role]);
      if (problems.length === 0) continue;
      lines.push(`${c.bold(k.key)} on ${role} (${k.file}:${k.line}):`, ...problems.map((p) => `  - ${p}`));
    }
  }
  return lines.length ? [c.bold('Failures'), ...lines].join('\n') : '';
}

function conformance(report: ValidationReport, c: Colors): string {
  if (report.conformance.length === 0) return `${c.bold('Conformance')}: no findings`;
  const lines = report.conformance.map((e) => {
    const tag = e.severity === 'error' ? c.red('error  ') : c.yellow('warning');
    const where = e.cases.length > 3 ? `${e.cases.slice(0, 3).join(', ')} and ${e.cases.length - 3} more` : e.cases.join(', ');
    return `${tag} ${e.provider} ${c.bold(e.rule)}: ${e.explain}\n          e.g. ${e.message} [${where}]`;
  });
  return [c.bold('Conformance'), ...lines].join('\n');
}

function summary(report: ValidationReport, c: Colors): string {
  const roles = reportRoles(report);
  const rows = roles.map((role) => {
    const p = report.providers[role]!;
    const { passed, cost, monthly } = providerCells(p);
    return [role, passed, ms(p.latencyMs.p50), ms(p.latencyMs.p95), String(p.tokens.total), `${p.findings.error}/${p.findings.warning}`, cost, monthly];
  });
  const v = report.summary.verdicts;
  const counts = (Object.keys(v) as Verdict[])
    .filter((k) => v[k] > 0)
    .map((k) => `${v[k]} ${k}`)
    .join(', ');
  const daily = dailyRequests(report);
  const head = ['provider', 'passed', 'p50', 'p95', 'tokens', 'conformance err/warn', 'suite cost', daily ? `monthly @ ${daily}/day` : 'monthly'];
  const verdict = report.ok ? c.green('validation passed') : c.red(`validation failed: ${report.reasons.join('; ')}`);
  return [c.bold('Summary'), table(head, rows), `${report.summary.cases} cases: ${counts || 'none'}`, verdict].join('\n');
}
