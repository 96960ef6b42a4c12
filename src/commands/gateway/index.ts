import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import type { GatewayOptions } from './options.js';

/** `migrate gateway setup|status|remove --env E`: nginx in front of a compose app, as an llm-gateway service. */
export async function run(ctx: Context, opts: GatewayOptions): Promise<number> {
  const [subcommand, ...rest] = opts.args ?? [];
  if (rest.length === 0) {
    if (subcommand === 'setup') return (await import('./setup.js')).runSetup(ctx, opts);
    if (subcommand === 'status') return (await import('./status.js')).runStatus(ctx);
    if (subcommand === 'remove') return (await import('./remove.js')).runRemove(ctx);
  }
  throw new UsageError(subcommand ? `unknown gateway subcommand "${[subcommand, ...rest].join(' ')}"` : 'gateway needs a subcommand', {
    hint: 'use `migrate gateway setup`, `migrate gateway status` or `migrate gateway remove` (with --env E)',
  });
}
