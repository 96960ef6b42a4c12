import type { QuoteStyle } from './document.js';

/**
 * Quoting that other readers of the same file agree on, not only dotenv: docker compose expands
 * `$` and backslash escapes outside single quotes and reads `#` without a blank before it as part
 * of an unquoted value, and a shell splits on blanks. A style "fits" a value when all of them
 * read it back unchanged.
 */
const FITS: Record<QuoteStyle, (value: string) => boolean> = {
  none: (v) => /^[^\s#'"`\\$]*$/.test(v),
  single: (v) => !/['\r]/.test(v),
  double: (v) => !/["\\]/.test(v),
  backtick: (v) => !/[`\r]/.test(v),
};

const SINGLE_LINE_ORDER: QuoteStyle[] = ['none', 'single', 'double', 'backtick'];
/** A multi-line value reads best as one line with `\n` escapes, which only double quotes give. */
const MULTI_LINE_ORDER: QuoteStyle[] = ['double', 'single', 'backtick', 'none'];

/**
 * Styles to try, best first: the entry's own style when it fits, then the simplest that fits,
 * then (still checked by the editor) the ones only dotenv is sure to read the same way.
 */
export function quotingOrder(value: string, current?: QuoteStyle): QuoteStyle[] {
  const defaults = /[\r\n]/.test(value) ? MULTI_LINE_ORDER : SINGLE_LINE_ORDER;
  const all = [...new Set([...(current ? [current] : []), ...defaults])];
  return [...all.filter((s) => FITS[s](value)), ...all.filter((s) => !FITS[s](value))];
}

export interface EncodeOptions {
  eol: string;
  /** Keep line breaks raw inside the quotes (a PEM block written over several lines). */
  multiline: boolean;
}

/** The value as written after `KEY=`. dotenv turns `\n` and `\r` into line breaks only in double quotes. */
export function encode(value: string, style: QuoteStyle, opts: EncodeOptions): string {
  switch (style) {
    case 'none':
      return value;
    case 'single':
      return `'${value.replace(/\n/g, opts.eol)}'`;
    case 'backtick':
      return `\`${value.replace(/\n/g, opts.eol)}\``;
    case 'double':
      return `"${value.replace(/\r/g, '\\r').replace(/\n/g, opts.multiline ? opts.eol : '\\n')}"`;
  }
}
