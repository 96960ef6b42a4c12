// Plain aligned columns; widths ignore ANSI colour codes so coloured cells still line up.
import { stripAnsi } from './ansi.js';

function visibleWidth(text: string): number {
  return [...stripAnsi(text)].reduce((w, ch) => w + (isWide(ch) ? 2 : 1), 0);
}

function isWide(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xff60);
}

export function table(header: string[], rows: string[][], gap = 2): string {
  const widths = header.map((h, i) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleWidth(cell) + gap)))
      .join('')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
