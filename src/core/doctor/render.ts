import type { Colors } from '../output/color.js';
import type { DoctorCheck } from './types.js';

/** One line a check: mark, name, what was found, and for a failure the fix. */
export function renderDoctor(checks: DoctorCheck[], c: Colors): string {
  const width = Math.max(...checks.map((check) => check.name.length));
  const mark = { ok: c.green('✓'), fail: c.red('✗'), skip: c.dim('-') };
  const lines = checks.map((check) => {
    const fix = check.fix ? ` ${c.cyan('fix:')} ${check.fix}` : '';
    return `${mark[check.status]} ${check.name.padEnd(width)}  ${check.detail}${check.status === 'fail' ? ' →' : ''}${fix}`;
  });
  const failures = checks.filter((check) => check.status === 'fail').length;
  lines.push('', failures === 0 ? 'all checks passed' : `${failures} check(s) failed: fix them from the top, then run \`migrate doctor\` again`);
  return lines.join('\n');
}
