import type { ProviderRole } from '../config/schema.js';
import type { ValidationReport } from '../validate/report.js';
import { dailyRequests, ms, providerCells, reportRoles, sideLabel, sideProblems } from './failures.js';

/** The markdown report (--markdown, and appended to $GITHUB_STEP_SUMMARY on Actions). */
export function renderMarkdown(report: ValidationReport): string {
  const roles = reportRoles(report);
  const title = `## migrate validate: ${report.ok ? '✅ passed' : '❌ failed'}`;
  const reasons = report.reasons.map((r) => `- ${escape(r)}`).join('\n');
  return [title, reasons, providerTable(report, roles), caseTable(report, roles), failures(report, roles), conformance(report)].filter(Boolean).join('\n\n') + '\n';
}

function providerTable(report: ValidationReport, roles: ProviderRole[]): string {
  const daily = dailyRequests(report);
  const rows = roles.map((role) => {
    const p = report.providers[role]!;
    const { passed, cost, monthly } = providerCells(p);
    return `| ${role} | ${passed} | ${ms(p.latencyMs.p50)} | ${ms(p.latencyMs.p95)} | ${p.tokens.total} | ${p.findings.error} / ${p.findings.warning} | ${cost} | ${monthly} |`;
  });
  const notes = roles.flatMap((role) => (report.providers[role]?.costNote ? [`*no suite cost for ${role}: ${escape(report.providers[role].costNote)}*`] : []));
  return [
    `| provider | passed | p50 | p95 | tokens | conformance errors / warnings | suite cost | monthly${daily ? ` at ${daily}/day` : ''} |`,
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
}

function caseTable(report: ValidationReport, roles: ProviderRole[]): string {
  const head = `| case | ${roles.join(' | ')} | verdict |`;
  const rule = `|---|${roles.map(() => '---|').join('')}---|`;
  const rows = report.cases.map((c) => `| ${escape(c.key)} | ${roles.map((r) => sideLabel(c[r])).join(' | ')} | ${c.verdict} |`);
  return [head, rule, ...rows].join('\n');
}

function failures(report: ValidationReport, roles: ProviderRole[]): string {
  const items = report.cases.flatMap((c) => roles.flatMap((role) => sideProblems(c[role]).map((p) => `- **${escape(c.key)}** on ${role} (\`${c.file}:${c.line}\`): ${escape(p)}`)));
  return items.length ? ['### Failures', ...items].join('\n') : '';
}

function conformance(report: ValidationReport): string {
  if (report.conformance.length === 0) return '### Conformance\n\nNo findings.';
  const rows = report.conformance.map((e) => `| ${e.provider} | ${e.severity} | \`${e.rule}\` | ${escape(e.explain)} | ${escape(e.message)} | ${e.count} |`);
  return ['### Conformance', '', '| provider | severity | rule | meaning | example | count |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
