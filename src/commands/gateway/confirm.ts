import type { Context } from '../../context.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { terminalPrompt } from '../../core/rollback/confirm.js';

/** Recreating the app's containers is asked about at a terminal; elsewhere it needs --yes. */
export async function confirmChange(ctx: Context, command: string, question: string): Promise<void> {
  if (ctx.global.yes || ctx.global.dryRun) return;
  if (!ctx.interactive) {
    throw new UsageError(`${command} recreates the app's containers: it needs --yes when not run at a terminal`, {
      hint: `review it with \`migrate ${command} --env ${ctx.global.env ?? '<env>'} --dry-run\`, then add --yes`,
    });
  }
  const yes = await terminalPrompt(question, ctx.signal).catch(() => false);
  if (!yes) throw new InterruptedError(`${command} cancelled; nothing was changed`);
}
