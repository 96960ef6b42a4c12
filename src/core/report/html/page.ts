// The pieces every HTML report shares: escaping and a self-contained page. Nothing is loaded from
// anywhere: no script, no font, no image, no stylesheet link; the Content-Security-Policy says so
// to the browser too, so a report opened offline (or from an incident ticket) looks the same.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value made safe for HTML and SVG: every string that goes into a report passes here. */
export function esc(value: string | number | boolean | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #111; max-width: 1200px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } table.facts th { width: 220px; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass, .improved { background: #e9f6ec; } .fail, .regression, .both-fail, .error { background: #fbeaea; } .inconclusive { background: #fff6df; }
.muted { color: #555; } code, pre { font-family: ui-monospace, monospace; font-size: 12px; } pre { white-space: pre-wrap; margin: 4px 0; }
svg { display: block; margin: 8px 0 16px; } svg text { font: 11px system-ui, sans-serif; fill: #111; }
details > summary { cursor: pointer; }`;

/** One complete HTML document around `body` (already escaped HTML). */
export function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may be fetched: inline styles only, no scripts, no connections.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A table from escaped cells; `rowClass` marks a row (e.g. its outcome) for colour and for tests. */
export function table(head: string[], rows: Array<{ cells: string[]; rowClass?: string }>): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr${r.rowClass ? ` class="${esc(r.rowClass)}"` : ''}>${r.cells.map((c) => `<td>${c}</td>`).join('')}</tr>`);
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs.join('')}</tbody></table>`;
}

/** Facts as a two-column table, the name in a header cell (both escaped here). */
export function facts(pairs: Array<[string, string]>): string {
  return `<table class="facts"><tbody>${pairs.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`;
}
