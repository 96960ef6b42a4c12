import type { Colors } from '../output/color.js';
import { containerLine } from '../appview/render.js';
import { formatDuration } from '../config/duration.js';
import { errorRateOf } from '../gates/error-rate.js';
import { ms, pct } from '../gates/format.js';
import type { Figures } from '../gates/types.js';
import { describeNodeOrder } from '../traffic/node-order.js';
import type { RampEvent } from './events.js';
import { mirrorOf, stageLabel } from './stage-label.js';

// How a ramp reads at a terminal or in a CI log: one plain line per event, and the live line.

export function eventLine(e: RampEvent, c: Colors): string | undefined {
  switch (e.event) {
    case 'start': {
      const verb = e.resumed ? `resuming at stage ${e.fromStage}/${e.stages.length}` : `${e.stages.length} stage${e.stages.length === 1 ? '' : 's'}`;
      const line = `ramp ${e.environment}: ${verb}, ${e.stages.map((s, i) => stageLabel(s, mirrorOf(i, e.shadow))).join(' → ')}, soak ${formatDuration(e.soakMs)}, gates every ${formatDuration(e.intervalMs)} (${e.driver} driver)`;
      return e.note ? `${line}\n${c.yellow(`note: ${e.note}`)}` : line;
    }
    case 'plan':
      return planLines(e).join('\n');
    case 'preflight':
      return e.ok ? `${c.green('✓')} ${e.detail}` : undefined; // a failure is the error main.ts prints
    case 'stage':
      if (e.status === 'applying') return `stage ${e.stage}/${e.of}: applying ${stageLabel(e.weight, e.mirror)}`;
      if (e.status === 'soaking' && e.mirror) return `stage ${e.stage}/${e.of}: every user on legacy, ${e.mirror}% of requests copied to target (shadow), soaking`;
      if (e.status === 'soaking' && e.unseen)
        return `stage ${e.stage}/${e.of}: ${e.appliedWeight ?? e.weight}% written, which no container of the app sees: its traffic stays on legacy; soaking`;
      if (e.status === 'soaking') {
        const nodes = e.nodeOrder && describeNodeOrder(e.nodeOrder);
        return `stage ${e.stage}/${e.of}: ${e.appliedWeight ?? e.weight}% of traffic on target, soaking${nodes ? `; ${nodes}` : ''}`;
      }
      return `${c.green('✓')} stage ${e.stage}/${e.of} (${stageLabel(e.weight, e.mirror)}) passed`;
    case 'containers':
      if (e.skipped) return `containers: ${e.skipped}`;
      return [
        ...e.containers.map((k) => (k.ok ? `${c.green('✓')} ${containerLine(k)}` : c.red(`✗ ${containerLine(k)}`))),
        ...(e.missing ?? []).map((service) => c.red(`✗ ${service}: no container`)),
      ].join('\n');
    case 'decision':
      return colorOutcome(e.outcome, c)(e.line);
    case 'rollback':
      if (e.status === 'started') return c.yellow(`rolling back ${e.environment}: ${e.reason.replace(/ → rolling back.*$/, '')}`);
      if (e.status === 'done') return `${c.green('✓')} rolled back: ${e.detail ?? 'traffic is back on legacy'}`;
      return c.red(`rollback did not complete: ${e.detail ?? e.reason}`);
    case 'question':
      return undefined; // the question itself is on the terminal
    case 'end':
      return endLine(e, c);
  }
}

function planLines(e: Extract<RampEvent, { event: 'plan' }>): string[] {
  const lines = [`dry run: nothing will be changed. The ramp of ${e.environment} would:`];
  for (const step of e.preflight) lines.push(`  preflight: ${step}`);
  for (const s of e.stages) {
    lines.push(`  stage ${s.stage}/${e.stages.length}: ${stageLabel(s.weight, s.mirror)} for ${formatDuration(s.soakMs)}, gates every ${formatDuration(s.intervalMs)}`);
    for (const step of s.steps) lines.push(`    ${step}`);
    if (s.steps.length === 0) lines.push('    (nothing to write: already at this weight)');
  }
  lines.push('  then: a final check of the target, and the ramp is recorded as completed');
  lines.push(e.samples);
  lines.push(`minimum duration: ${formatDuration(e.minDurationMs)} (${e.stages.length} stages × soak), plus apply and restart time`);
  if (e.shadow) lines.push(`shadow: ${e.shadow}`);
  if (e.note) lines.push(`note: ${e.note}`);
  return lines;
}

function endLine(e: Extract<RampEvent, { event: 'end' }>, c: Colors): string {
  const took = formatDuration(e.durationMs);
  switch (e.status) {
    case 'completed':
      return `${c.green('✓')} ramp of ${e.environment} completed in ${took}${e.reason ? `: ${e.reason}` : ''}`;
    case 'rolled-back':
      return `ramp of ${e.environment} rolled back after ${took}: ${e.reason ?? ''}`;
    case 'paused':
      return `ramp of ${e.environment} paused: ${e.reason ?? ''}; continue with \`migrate ramp --env ${e.environment} --resume\``;
    default:
      return c.red(`ramp of ${e.environment} ${e.status}: ${e.reason ?? ''}`);
  }
}

function colorOutcome(outcome: string, c: Colors): (t: string) => string {
  if (outcome === 'pass') return (t) => t;
  if (outcome === 'fail') return c.red;
  return c.yellow;
}

export interface LiveView {
  stage: number;
  of: number;
  weight: number;
  elapsedMs: number;
  soakMs: number;
  target?: Figures;
  legacy?: Figures;
}

const BAR_WIDTH = 20;

/** `stage 2/4 20% [██████░░░░] 12s/30s · target err 0.0% p95 130ms · legacy err 0.0% p95 120ms` */
export function liveLine(v: LiveView, c: Colors): string {
  const done = Math.min(1, v.soakMs > 0 ? v.elapsedMs / v.soakMs : 1);
  const filled = Math.round(done * BAR_WIDTH);
  const bar = `${c.green('█'.repeat(filled))}${c.dim('░'.repeat(BAR_WIDTH - filled))}`;
  const parts = [`stage ${v.stage}/${v.of} ${v.weight}% [${bar}] ${formatDuration(Math.min(v.elapsedMs, v.soakMs))}/${formatDuration(v.soakMs)}`];
  if (v.target) parts.push(`target ${figures(v.target)}`);
  if (v.legacy) parts.push(`legacy ${figures(v.legacy)}`);
  return parts.join(' · ');
}

function figures(f: Figures): string {
  const rate = errorRateOf(f);
  const n = f.requests === undefined ? '' : ` (${f.requests})`;
  return `err ${rate === undefined ? '–' : pct(rate)} p95 ${f.p95Ms === undefined ? '–' : ms(f.p95Ms)}${n}`;
}
