import { Chalk, type ChalkInstance } from 'chalk';

/** chalk does not honour NO_COLOR by itself: colour only on a TTY, without NO_COLOR or --no-color. */
export function colorEnabled(opts: { isTTY: boolean; flag?: boolean; processEnv: NodeJS.ProcessEnv }): boolean {
  if (opts.flag === false) return false;
  if (opts.processEnv.NO_COLOR) return false;
  if (opts.processEnv.FORCE_COLOR && opts.processEnv.FORCE_COLOR !== '0') return true;
  return opts.isTTY;
}

export function makeChalk(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}
