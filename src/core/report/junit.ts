import type { ValidationReport } from '../validate/report.js';
import { isFailing, judgedRole, sideProblems } from './failures.js';

/**
 * JUnit XML for CI test reports: one test case per suite case (failing when it counts against
 * the run) and one per conformance rule seen (failing for errors on the judged provider).
 */
export function renderJunit(report: ValidationReport): string {
  const role = judgedRole(report);
  const cases = report.cases.map((c) => {
    const problems = [...sideProblems(c[role]).map((p) => `${role}: ${p}`), ...(c.verdict === 'regression' ? ['legacy passes this case'] : [])];
    const time = seconds(c[role]?.latencyMs ?? 0);
    const open = `    <testcase classname="${attr(c.file)}" name="${attr(c.key)}" file="${attr(c.file)}" line="${c.line}" time="${time}">`;
    if (isFailing(c, role))
      return `${open}\n      <failure message="${attr(`${c.verdict}: ${problems[0] ?? ''}`)}" type="${c.verdict}">${text(problems.join('\n'))}</failure>\n    </testcase>`;
    if (c.verdict === 'both-fail' || c.verdict === 'error')
      return `${open}\n      <skipped message="${attr(`${c.verdict}: ${sideProblems(c.legacy)[0] ?? ''}`)}"/>\n    </testcase>`;
    return `${open}</testcase>`;
  });
  const rules = report.conformance.map((e) => {
    const open = `    <testcase classname="conformance.${e.provider}" name="${attr(e.rule)}" time="0">`;
    const body = `${e.explain}\n${e.message}\nseen in: ${e.cases.join(', ')}`;
    if (e.severity === 'error' && e.provider === role) return `${open}\n      <failure message="${attr(e.message)}" type="${e.rule}">${text(body)}</failure>\n    </testcase>`;
    return `${open}\n      <system-out>${text(`${e.severity}: ${body}`)}</system-out>\n    </testcase>`;
  });
  const failed = (xs: string[]) => xs.filter((x) => x.includes('<failure')).length;
  const skipped = cases.filter((x) => x.includes('<skipped')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="migrate validate" tests="${cases.length + rules.length}" failures="${failed(cases) + failed(rules)}" time="${seconds(report.durationMs)}">`,
    `  <testsuite name="cases (${role})" tests="${cases.length}" failures="${failed(cases)}" skipped="${skipped}" errors="0" timestamp="${report.startedAt}" time="${seconds(report.durationMs)}">`,
    ...cases,
    '  </testsuite>',
    `  <testsuite name="conformance" tests="${rules.length}" failures="${failed(rules)}" skipped="0" errors="0">`,
    ...rules,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function seconds(msValue: number): string {
  return (msValue / 1000).toFixed(3);
}

// XML 1.0 forbids most control characters even escaped; answers from models can contain them.
function clean(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
