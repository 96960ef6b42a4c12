import { table } from '../../output/table.js';
import type { Finding } from './detect.js';

/** What init found and why, one row a finding: names and file:line only, never a value. */
export function renderFindings(findings: Finding[]): string {
  const rows = findings.map((f) => [f.kind, f.variable ?? f.service ?? '', f.at, f.confidence, f.reason]);
  return table(['found', 'name', 'where', 'confidence', 'why'], rows);
}
