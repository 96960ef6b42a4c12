// The entry bin/migrate.js loads: reads argv and runs the command it names. Every command's code,
// and commander's declarations of them all (program.ts), are imported only when used, so `--help`
// loads no command and a plain `migrate rollback` no commander (plain-argv.ts).
import { readFileSync } from 'node:fs';
import type { CommandName } from './command-name.js';
import type { Invocation } from './context.js';
import { plainRollbackArgv } from './plain-argv.js';

/**
 * `migrate … | head` closes stdout early; without a listener Node crashes on the next write with
 * "Unhandled 'error' event … EPIPE" and exit 1. The output is lost either way, but the command
 * must run to the end (a rollback piped into head still has to finish) and exit with its own code.
 * Installed by main() first, before commander can print help.
 */
function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
      throw err;
    });
  }
}

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

type Loader = () => Promise<{ run: (ctx: never, opts: never) => Promise<number | void> }>;

/** Each command's module by the name program.ts declares it under (tsc: one for every name). */
const COMMANDS: Record<CommandName, Loader> = {
  init: () => import('./commands/init/index.js'),
  config: () => import('./commands/config/index.js'),
  check: () => import('./commands/check/index.js'),
  validate: () => import('./commands/validate/index.js'),
  backup: () => import('./commands/backup/index.js'),
  rollback: () => import('./commands/rollback/index.js'),
  ramp: () => import('./commands/ramp/index.js'),
  status: () => import('./commands/status/index.js'),
  report: () => import('./commands/report/index.js'),
  'nginx-config': () => import('./commands/nginx-config/index.js'),
  gateway: () => import('./commands/gateway/index.js'),
  monitoring: () => import('./commands/monitoring/index.js'),
  doctor: () => import('./commands/doctor/index.js'),
  completion: () => import('./commands/completion/index.js'),
  __complete: () => import('./commands/complete/index.js'),
};

/** The CLI: bin/migrate.js calls it with process.argv (node, script, ...args). Sets process.exitCode. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  ignoreClosedPipes();
  const read: Invocation | number = plainRollbackArgv(argv.slice(2)) ?? (await (await import('./program.js')).readArgv(argv, version));
  if (typeof read === 'number') {
    process.exitCode = read;
    return;
  }
  const { execute } = await import('./main.js');
  await execute(COMMANDS[read.command as CommandName] as never, read.opts, read.global, version);
}
