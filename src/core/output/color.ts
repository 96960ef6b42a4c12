// Colour: the few styles the output uses, as SGR codes of the 16-colour set, written as chalk wrote
// them at its level 1 (chalk's replacement: it detected colour support when imported, loading
// node:tty, which a run without a terminal never needs: about 3 ms of every command's start-up).

/** Each style's opening and closing code. */
const SGR = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;

export type Colors = Record<keyof typeof SGR, (text: string) => string>;

/** No colour without a TTY, with NO_COLOR or with --no-color; FORCE_COLOR turns it on. */
export function colorEnabled(opts: { isTTY: boolean; flag?: boolean; processEnv: NodeJS.ProcessEnv }): boolean {
  if (opts.flag === false) return false;
  if (opts.processEnv.NO_COLOR) return false;
  if (opts.processEnv.FORCE_COLOR && opts.processEnv.FORCE_COLOR !== '0') return true;
  return opts.isTTY;
}

export function makeColors(enabled: boolean): Colors {
  const styles = Object.entries(SGR).map(([name, [open, close]]) => [name, enabled ? paint(`\x1b[${open}m`, `\x1b[${close}m`) : plain]);
  return Object.fromEntries(styles) as Colors;
}

const plain = (text: string) => text;

/**
 * A styled text. An inner style's closing code would end this one too, so it is reopened after each;
 * and it is closed before each line break and reopened after, so every line is styled on its own
 * (a CI log or pager that shows one line shows it right).
 */
function paint(open: string, close: string): (text: string) => string {
  return (text) => {
    if (!text) return text;
    const inner = text.includes('\x1b') ? text.replaceAll(close, close + open) : text;
    return open + inner.replace(/\r?\n/g, (eol) => close + eol + open) + close;
  };
}
