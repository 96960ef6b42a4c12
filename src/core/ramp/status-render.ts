import type { Colors } from '../output/color.js';
import { pointingLines } from '../appview/pointing.js';
import type { EnvironmentStatus } from './status.js';
import { stageLabel } from './stage-label.js';

/** `migrate status` at a terminal: one block per environment. */
export function renderStatus(list: EnvironmentStatus[], c: Colors): string {
  return list.map((s) => block(s, c).join('\n')).join('\n\n');
}

function block(s: EnvironmentStatus, c: Colors): string[] {
  return [...rampLines(s, c), ...containerLines(s)];
}

/** With --env: which provider each service's containers point at, from what they hold. */
function containerLines(s: EnvironmentStatus): string[] {
  if (s.containersNote) return [`  containers: ${s.containersNote}`];
  if (!s.containers) return [];
  return ['  containers (what they hold now):', ...pointingLines(s.containers).map((l) => `  ${l}`)];
}

function rampLines(s: EnvironmentStatus, c: Colors): string[] {
  const now = s.driverWeight === null ? 'unknown' : `${s.driverWeight}%`;
  if (s.status === 'none') return [`${c.bold(s.environment)}: no ramp yet (${s.driver} driver reports ${now})`];
  const lines = [`${c.bold(s.environment)}: ${colorStatus(s.status, c)}${s.reason ? ` (${s.reason})` : ''}`];
  if (s.orphaned)
    lines.push(c.red(`  its process is gone: continue with \`migrate ramp --env ${s.environment} --resume\` or undo with \`migrate rollback --env ${s.environment}\``));
  if (s.stage)
    lines.push(
      `  stage ${s.stage.number}/${s.stage.of}: ${stageLabel(s.stage.weight, s.stage.mirror)} ${s.stage.status}; stages ${(s.stages ?? []).map((st) => `${stageLabel(st.weight, st.mirror)}${mark(st.status)}`).join(' → ')}`,
    );
  lines.push(`  weight: ${s.appliedWeight ?? 0}% applied by the ramp; the ${s.driver} driver reports ${now}`);
  if (s.backupId) lines.push(`  backup: ${s.backupId}`);
  lines.push(
    `  lock: ${s.lock ? `pid ${s.lock.pid} on ${s.lock.host} (${s.lock.command}) since ${s.lock.time}${s.lock.alive === false ? ' (stale: that process is gone)' : ''}` : 'free'}`,
  );
  if (s.rollbackRequested) lines.push(`  rollback requested by ${s.rollbackRequested.by} at ${s.rollbackRequested.at}`);
  lines.push(`  started ${s.startedAt}${s.endedAt ? `, ended ${s.endedAt}` : `, updated ${s.updatedAt}`}`);
  if (s.gates.length > 0) {
    lines.push('  last decisions:');
    for (const g of s.gates) lines.push(`    ${g.at.slice(11, 19)} ${g.line}`);
  }
  return lines;
}

function mark(status: string): string {
  if (status === 'passed') return ' ✓';
  if (status === 'failed') return ' ✗';
  if (status === 'soaking' || status === 'applying') return ' …';
  return '';
}

function colorStatus(status: string, c: Colors): string {
  if (status === 'completed') return c.green(status);
  if (status === 'running') return c.cyan(status);
  if (status === 'failed') return c.red(status);
  return c.yellow(status);
}
