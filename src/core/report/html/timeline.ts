import { scaleLinear, scaleUtc } from 'd3-scale';
import { line, symbol, symbolCircle, symbolCross, symbolDiamond, symbolSquare, symbolTriangle, type SymbolType } from 'd3-shape';
import { esc } from './page.js';

// A timeline chart as an SVG string, drawn in Node without a DOM: d3-scale maps times and values
// to pixels (and picks readable ticks), d3-shape turns the points into path data and the markers
// into symbol paths. Readable without colour: each provider has its own dash and marker, each
// outcome its own symbol, and every mark is labelled or in the legend.

export type Role = 'legacy' | 'target';
export type Outcome = 'pass' | 'fail' | 'inconclusive' | 'error';

export interface TimelineInput {
  /** e.g. "Error rate per provider". */
  title: string;
  format: (value: number) => string;
  start: number;
  end: number;
  /** One series per provider; a point without a value (the source did not measure it) leaves a gap. */
  series: Array<{ role: Role; points: Array<{ at: number; value?: number }> }>;
  /** Where each stage began. */
  stages: Array<{ at: number; label: string }>;
  /** One mark per gate decision, on the time axis. */
  decisions: Array<{ at: number; outcome: Outcome; label: string }>;
  /** Other moments worth a line (the rollback). */
  marks?: Array<{ at: number; label: string }>;
}

const W = 1100;
const H = 300;
const M = { top: 28, right: 90, bottom: 72, left: 70 };
const DASH: Record<Role, string> = { legacy: '7 5', target: '' };
const STROKE: Record<Role, string> = { legacy: '#555', target: '#0b5cad' };
const MARKER: Record<Role, SymbolType> = { legacy: symbolSquare, target: symbolCircle };
const OUTCOME_SYMBOL: Record<Outcome, SymbolType> = { pass: symbolCircle, fail: symbolCross, inconclusive: symbolDiamond, error: symbolTriangle };
const OUTCOME_FILL: Record<Outcome, string> = { pass: '#2e7d32', fail: '#c62828', inconclusive: '#b8860b', error: '#6a1b9a' };

export function timelineSvg(input: TimelineInput): string {
  const x = scaleUtc()
    .domain([input.start, Math.max(input.end, input.start + 1000)])
    .range([M.left, W - M.right]);
  const values = input.series.flatMap((s) => s.points.flatMap((p) => (p.value === undefined ? [] : [p.value])));
  const y = scaleLinear()
    .domain([0, Math.max(...values, 0) || 1])
    .nice()
    .range([H - M.bottom, M.top]);
  const plotBottom = H - M.bottom;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(input.title)}">`,
    `<title>${esc(input.title)}</title>`,
    `<text x="${M.left}" y="16" font-weight="bold">${esc(input.title)}</text>`,
    axes(x, y, input.format, plotBottom),
    ...input.stages.map((s) => vertical(x(s.at), s.label, 'stage', '3 3', plotBottom)),
    ...(input.marks ?? []).map((m) => vertical(x(m.at), m.label, 'mark', '1 2', plotBottom, 'end')),
    ...input.series.map((s) => seriesSvg(s, x, y)),
    decisionsSvg(input.decisions, x, plotBottom),
    '</svg>',
  ];
  return parts.join('\n');
}

type X = ReturnType<typeof scaleUtc<number, number>>;
type Y = ReturnType<typeof scaleLinear<number, number>>;

function axes(x: X, y: Y, format: (v: number) => string, bottom: number): string {
  const time = x.tickFormat(6, '%H:%M:%S');
  const xTicks = x
    .ticks(6)
    .map(
      (t) => `<line x1="${x(t)}" x2="${x(t)}" y1="${bottom}" y2="${bottom + 4}" stroke="#111"/><text x="${x(t)}" y="${bottom + 16}" text-anchor="middle">${esc(time(t))}</text>`,
    );
  const yTicks = y
    .ticks(4)
    .map(
      (v) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e3e3"/><text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${esc(format(v))}</text>`,
    );
  return [
    ...yTicks,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${bottom}" y2="${bottom}" stroke="#111"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${bottom}" stroke="#111"/>`,
    ...xTicks,
    `<text x="${W - M.right}" y="${bottom + 30}" text-anchor="end" class="muted">time (UTC)</text>`,
  ].join('\n');
}

function vertical(px: number, label: string, kind: string, dash: string, bottom: number, anchor: 'start' | 'end' = 'start'): string {
  const dx = anchor === 'start' ? 3 : -3;
  // Marks label lower than stages: a rollback at a stage's start must not print over it.
  const y = anchor === 'start' ? M.top + 10 : M.top + 24;
  return `<g class="${kind}"><line x1="${px}" x2="${px}" y1="${M.top}" y2="${bottom}" stroke="#888" stroke-dasharray="${dash}"/><text x="${px + dx}" y="${y}" text-anchor="${anchor}">${esc(label)}</text></g>`;
}

/** One path per provider (d3-shape's line, broken where a window has no value), a marker per point, a label at its end. */
function seriesSvg(s: TimelineInput['series'][number], x: X, y: Y): string {
  const path = line<{ at: number; value?: number }>()
    .defined((p) => p.value !== undefined)
    .x((p) => x(p.at))
    .y((p) => y(p.value!))(s.points);
  const marker = symbol(MARKER[s.role], 36)()!;
  const shown = s.points.filter((p) => p.value !== undefined);
  const markers = shown.map((p) => `<path class="point" d="${marker}" transform="translate(${x(p.at)},${y(p.value!)})" fill="${STROKE[s.role]}"/>`);
  const last = shown.at(-1);
  const label = last ? `<text x="${x(last.at) + 8}" y="${y(last.value!) + 4}">${s.role}</text>` : '';
  return [
    `<g class="provider" data-provider="${s.role}">`,
    `<path class="series" data-provider="${s.role}" d="${path ?? ''}" fill="none" stroke="${STROKE[s.role]}" stroke-width="2" stroke-dasharray="${DASH[s.role]}"/>`,
    ...markers,
    label,
    '</g>',
  ].join('\n');
}

/** A symbol per decision below the axis: its shape says the outcome, its tooltip says the line. */
function decisionsSvg(decisions: TimelineInput['decisions'], x: X, bottom: number): string {
  const row = bottom + 44;
  const marks = decisions.map((d) => {
    const shape = symbol(OUTCOME_SYMBOL[d.outcome], 64)()!;
    return `<path class="decision" data-outcome="${d.outcome}" d="${shape}" transform="translate(${x(d.at)},${row})" fill="${OUTCOME_FILL[d.outcome]}"><title>${esc(d.label)}</title></path>`;
  });
  return [`<text x="${M.left - 6}" y="${row + 4}" text-anchor="end">decisions</text>`, ...marks].join('\n');
}

/** The legend under the charts: dashes and markers for providers, symbols for outcomes. */
export function legendSvg(): string {
  const items: string[] = [];
  let px = 10;
  for (const role of ['target', 'legacy'] as const) {
    items.push(`<line x1="${px}" x2="${px + 34}" y1="14" y2="14" stroke="${STROKE[role]}" stroke-width="2" stroke-dasharray="${DASH[role]}"/>`);
    items.push(`<path d="${symbol(MARKER[role], 36)()!}" transform="translate(${px + 17},14)" fill="${STROKE[role]}"/>`);
    items.push(`<text x="${px + 40}" y="18">${role}</text>`);
    px += 110;
  }
  for (const outcome of ['pass', 'fail', 'inconclusive', 'error'] as const) {
    items.push(`<path d="${symbol(OUTCOME_SYMBOL[outcome], 64)()!}" transform="translate(${px + 6},14)" fill="${OUTCOME_FILL[outcome]}"/>`);
    items.push(`<text x="${px + 16}" y="18">${outcome}</text>`);
    px += 110;
  }
  items.push(`<line x1="${px}" x2="${px}" y1="4" y2="24" stroke="#888" stroke-dasharray="3 3"/><text x="${px + 6}" y="18">stage start</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="legend" width="${px + 100}" height="28" role="img" aria-label="legend">${items.join('')}</svg>`;
}
