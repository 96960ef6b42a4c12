// DOM-free checks of migrate's HTML reports: what a browser would fetch, and the elements tests count.
import { expect } from 'vitest';

/** Everything that would make a browser reach out: scripts, links, src/href, CSS url() and @import. */
export function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script\b/i);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/\s(src|href|xlink:href|srcset|action|poster)\s*=/i);
  expect(html).not.toMatch(/url\(|@import/i);
  expect(html).not.toMatch(/<(iframe|object|embed|img|image|use|foreignObject)\b/i);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
}

/** The matches of `re` (global) in `text`. */
export function all(text: string, re: RegExp): string[] {
  return [...text.matchAll(re)].map((m) => m[0]);
}

/** The SVG elements of class `cls`, each as its text. */
export function svgs(html: string, cls: string): string[] {
  return all(html, new RegExp(`<svg [^>]*class="${cls}"[\\s\\S]*?</svg>`, 'g'));
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
