import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { runCreate } from './create.js';
import { runList } from './list.js';

export interface BackupOptions {
  /** Positional: [] to take a backup, ['list'] to list them. */
  args?: string[];
  message?: string;
}

/** `migrate backup [--env E] [-m MESSAGE]` and `migrate backup list [--env E] [--json]`. */
export async function run(ctx: Context, opts: BackupOptions): Promise<number> {
  // `--json [file]` is a global option with an optional value (for validate), so in
  // `migrate backup --json list` commander hands "list" to --json: refuse rather than take a backup.
  const json = ctx.global.json;
  if (typeof json === 'string' && json !== '-') {
    throw new UsageError(`--json takes no value for backup, but it read "${json}"`, {
      hint: 'put --json last, e.g. `migrate backup list --json`',
    });
  }
  const [subcommand, ...rest] = opts.args ?? [];
  if (subcommand === undefined) return runCreate(ctx, opts.message);
  if (subcommand === 'list' && rest.length === 0) return runList(ctx);
  throw new UsageError(`unknown backup subcommand "${[subcommand, ...rest].join(' ')}"`, {
    hint: 'use `migrate backup` to take a backup or `migrate backup list` to list them',
  });
}
