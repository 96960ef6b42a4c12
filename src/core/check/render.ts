import { type Colors, makeColors } from '../output/color.js';
import { table } from '../output/table.js';
import type { Summary } from '../stats.js';
import type { EndpointReport, Step } from './types.js';

const ms = (v?: number) => (v === undefined ? '-' : `${Math.round(v)}`);

function triple(s?: Summary): string {
  if (!s || !s.count) return '-';
  return `${ms(s.p50)}/${ms(s.p95)}/${ms(s.p99)}`;
}

function stepCell(step: Step, c: Colors, extra = ''): string {
  switch (step.status) {
    case 'pass':
      return c.green(`ok${extra}`);
    case 'warn':
      return c.yellow('warn');
    case 'fail':
      return c.red('FAIL');
    default:
      return c.dim('-');
  }
}

function reachCell(r: EndpointReport['reach'], c: Colors): string {
  if (r.viaProxy) return 'proxy';
  if (!r.ok) return c.red('FAIL');
  const parts = [ms(r.dnsMs), ms(r.connectMs)];
  if (r.tlsMs !== undefined) parts.push(ms(r.tlsMs));
  return parts.join('/');
}

function verdictCell(v: EndpointReport['verdict'], c: Colors): string {
  return v === 'pass' ? c.green('pass') : v === 'warn' ? c.yellow('warn') : c.red('FAIL');
}

/** Legacy rows, then target rows; each provider's nodes indented under its main URL. */
export function renderCheckTable(reports: EndpointReport[], c: Colors): string {
  const rows = reports.map((r) => [
    r.node === 'main' ? r.role : '',
    r.node === 'main' ? r.baseUrl : `  └ ${r.node}${r.region ? ` (${r.region})` : ''}`,
    reachCell(r.reach, c),
    stepCell(r.models, c),
    stepCell(r.chat, c),
    stepCell(r.stream, c),
    ms(r.samples.latency.ttfbMs?.p50),
    ms(r.samples.latency.ttftMs?.p95),
    triple(r.samples.latency.totalMs),
    r.samples.sent ? `${r.samples.errors}/${r.samples.sent}` : '-',
    verdictCell(r.verdict, c),
  ]);
  return table(['PROVIDER', 'ENDPOINT', 'DNS/TCP/TLS ms', 'MODELS', 'CHAT', 'STREAM', 'TTFB p50', 'TTFT p95', 'TOTAL p50/95/99 ms', 'ERRORS', 'VERDICT'], rows);
}

/** What went wrong and what to do, one problem per line. */
export function renderProblems(reports: EndpointReport[], c: Colors): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const p of r.problems) {
      const tag = p.severity === 'fail' ? c.red('✗') : c.yellow('!');
      lines.push(`${tag} ${r.role} ${r.node}: ${p.message}`);
      if (p.hint) lines.push(`    → ${p.hint}`);
    }
  }
  return lines.join('\n');
}

/** -v: each endpoint's steps with their timings, and the failed attempts behind any retry. */
export function renderDetails(reports: EndpointReport[]): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    const steps = (['models', 'chat', 'stream'] as const).map((name) => `${name} ${r[name].status}${r[name].ms === undefined ? '' : ` ${ms(r[name].ms)}ms`}`);
    lines.push(`${r.role} ${r.node}: reach ${r.reach.ok ? reachCell(r.reach, plain) : 'fail'} ms; ${steps.join('; ')}`);
    for (const name of ['models', 'chat', 'stream'] as const) {
      for (const retry of r[name].retries ?? []) lines.push(`  ${name} retried: ${retry}`);
    }
  }
  return lines;
}

// Details go through Output.debug, which dims them itself.
const plain = makeColors(false);
