import type { ValidationReport } from '../validate/report.js';
import { isFailing, judgedRole, sideProblems } from './failures.js';

/**
 * GitHub Actions workflow commands: an `::error` on the suite file's line for every failing
 * case, and one per conformance rule the judged provider breaks (warnings as `::warning`).
 */
export function renderAnnotations(report: ValidationReport): string[] {
  const role = judgedRole(report);
  const cases = report.cases
    .filter((c) => isFailing(c, role))
    .map((c) => command('error', { file: c.file, line: String(c.line), title: `${c.verdict}: ${c.key}` }, sideProblems(c[role]).join('; ') || c.verdict));
  const rules = report.conformance
    .filter((e) => e.provider === role)
    .map((e) => {
      const first = report.cases.find((c) => e.cases.includes(c.key));
      const where: Record<string, string> = first ? { file: first.file, line: String(first.line) } : {};
      return command(e.severity, { ...where, title: `conformance ${e.rule}` }, `${e.message}: ${e.explain}`);
    });
  return [...cases, ...rules];
}

function command(kind: 'error' | 'warning', props: Record<string, string>, message: string): string {
  const list = Object.entries(props)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${kind}${list ? ` ${list}` : ''}::${escapeData(message)}`;
}

// https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
