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
  const [subcommand, ...rest] = opts.args ?? [];
  if (subcommand === undefined) return runCreate(ctx, opts.message);
  if (subcommand === 'list' && rest.length === 0) return runList(ctx);
  throw new UsageError(`unknown backup subcommand "${[subcommand, ...rest].join(' ')}"`, {
    hint: 'use `migrate backup` to take a backup or `migrate backup list` to list them',
  });
}
