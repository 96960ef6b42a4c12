import type { GlobalOptions, Invocation } from './context.js';

// `migrate rollback` read without commander: in an incident every millisecond before the restore is
// felt, and loading commander and declaring the program cost a dry run about 4 ms of CPU. Only the
// plain forms are read here (the flags rollback declares, each spelled out, a value after a space or
// `=`); anything else (help, a typo, `-yn`, a missing value, a positional) is left to commander,
// which reads it, or says what is wrong, as it always has. test/cli/plain-argv.test.ts holds the two
// readings equal on every argv built from these forms.

/** The shared flags (program.ts, sharedOptions): on the program before the command and on the command after it. */
const VALUES = new Map<string, 'config' | 'env'>([
  ['-c', 'config'],
  ['--config', 'config'],
  ['-e', 'env'],
  ['--env', 'env'],
]);
const SWITCHES = new Map<string, 'json' | 'yes' | 'dryRun' | 'verbose' | 'quiet'>([
  ['--json', 'json'],
  ['-y', 'yes'],
  ['--yes', 'yes'],
  ['-n', 'dryRun'],
  ['--dry-run', 'dryRun'],
  ['-v', 'verbose'],
  ['--verbose', 'verbose'],
  ['-q', 'quiet'],
  ['--quiet', 'quiet'],
]);
// program.ts has the same list: shared between the two, esbuild would put it in a file of its own on
// rollback's path (each costs a few tenths of a ms to load). plain-argv.test.ts catches a drift.
const GLOBAL_KEYS = ['config', 'env', 'json', 'yes', 'dryRun', 'verbose', 'quiet', 'color'] as const;

/** What commander would make of `args` (argv after node and the script), when they are a plain rollback; else undefined. */
export function plainRollbackArgv(args: readonly string[]): Invocation | undefined {
  // A shared flag given after the command wins over the same flag before it (program.ts, globalsOf).
  const before: GlobalOptions = {};
  const after: GlobalOptions = {};
  const own: { restart: boolean; to?: string } = { restart: true };
  let named = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!named && arg === 'rollback') {
      named = true;
      continue;
    }
    const shared = named ? after : before;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = VALUES.get(flag) ?? (named && flag === '--to' ? 'to' : undefined);
    const on = SWITCHES.get(flag);
    if (key !== undefined) {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined) return undefined;
      if (key === 'to') own.to = value;
      else shared[key] = value;
    } else if (eq !== -1) {
      return undefined;
    } else if (on !== undefined) {
      shared[on] = true;
    } else if (flag === '--no-color') {
      shared.color = false;
    } else if (named && flag === '--no-restart') {
      own.restart = false;
    } else {
      return undefined;
    }
  }
  if (!named) return undefined;
  const global: GlobalOptions = {};
  for (const key of GLOBAL_KEYS) (global as Record<string, unknown>)[key] = key in after ? after[key] : before[key];
  global.color ??= true;
  return { command: 'rollback', opts: { ...own, args: [] }, global };
}
