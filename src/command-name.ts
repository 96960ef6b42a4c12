// Which command argv names, with no dependencies: program.ts declares only that command, and
// bin/migrate.js (from tsc's copy in dist/) picks the bundle built for it (scripts/build.js).

/** Every command, in the order `--help` lists them. */
export const COMMAND_NAMES = [
  'init',
  'config',
  'check',
  'validate',
  'backup',
  'rollback',
  'ramp',
  'status',
  'report',
  'nginx-config',
  'gateway',
  'monitoring',
  'doctor',
  'completion',
  '__complete',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

/**
 * The command argv names, when declaring it alone is enough: declaring all fifteen (about 150
 * options) is a few ms of every start-up. Undefined (declare all) for no command, an unknown one
 * (commander suggests the nearest), `help` and `completion` (which read the whole program).
 * The program's own flags come before the command (positional options); -c and -e take a value.
 */
export function commandNamed(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') return undefined;
    if (token.startsWith('-')) {
      // -c and -e take a value: the next word, unless the flag is not last in its cluster
      // (`-ce status`: commander reads `e` as -c's value).
      const cluster = /^-[a-zA-Z]+$/.test(token) ? token.slice(1) : '';
      const valued = cluster.search(/[ce]/);
      if (token === '--config' || token === '--env' || (valued !== -1 && valued === cluster.length - 1)) i++;
      continue;
    }
    return (COMMAND_NAMES as readonly string[]).includes(token) && token !== 'completion' ? token : undefined;
  }
  return undefined;
}
