import type { ProviderRole } from '../config/schema.js';
import type { CaseReport, ProviderSummary, SideReport, ValidationReport } from '../validate/report.js';

// Which role a run is judged on, and why a case failed there: shared by every renderer so the
// terminal, markdown, JUnit and annotations tell the same story.

export function judgedRole(report: ValidationReport): ProviderRole {
  return report.providers.target ? 'target' : 'legacy';
}

/** The providers that ran, legacy first. */
export function reportRoles(report: ValidationReport): ProviderRole[] {
  return (['legacy', 'target'] as const).filter((r) => report.providers[r]);
}

/** validate.dailyRequests as the cost summaries carry it (the monthly column's heading). */
export function dailyRequests(report: ValidationReport): number | undefined {
  return reportRoles(report)
    .map((r) => report.providers[r]?.cost?.dailyRequests)
    .find((d) => d !== undefined);
}

/** The provider-table cells the terminal and markdown reports share. */
export function providerCells(p: ProviderSummary): { passed: string; cost: string; monthly: string } {
  return {
    passed: `${p.passed}/${p.passed + p.failed + p.errors}`,
    cost: p.cost ? money(p.cost.suite, p.cost.currency) : '-',
    monthly: p.cost?.monthly !== undefined ? money(p.cost.monthly, p.cost.currency) : '-',
  };
}

/** One line per failed assertion or error on this side. */
export function sideProblems(side: SideReport | undefined): string[] {
  if (!side) return [];
  if (side.status === 'error') return [`no answer: ${side.error ?? 'unknown error'}`];
  return side.assertions.filter((a) => a.status === 'fail').map((a) => `${a.name}: ${a.message}`);
}

/** The case counts against the run (regression, fail, or the judged provider could not answer). */
export function isFailing(c: CaseReport, role: ProviderRole): boolean {
  return c.verdict === 'regression' || c.verdict === 'fail' || c[role]?.status === 'error';
}

export function sideLabel(side: SideReport | undefined): string {
  if (!side) return '-';
  const findings = side.findings.filter((f) => f.severity === 'error').length;
  return `${side.status}${findings ? ` (${findings} conformance)` : ''}`;
}

function money(n: number, currency: string): string {
  const digits = n !== 0 && Math.abs(n) < 0.01 ? 6 : 2;
  return `${n.toFixed(digits)} ${currency}`;
}

export function ms(n: number | undefined): string {
  return n === undefined ? '-' : `${n} ms`;
}
