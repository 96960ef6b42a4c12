import type { Context } from '../../context.js';
import { InterruptedError } from '../../errors.js';

/** Recreating the app's containers is asked about at a terminal; elsewhere it needs --yes. */
export async function confirmChange(ctx: Pick<Context, 'prompter' | 'global' | 'signal'>, command: string, question: string): Promise<void> {
  ctx.prompter.assertCanConfirm({
    what: command,
    why: "it recreates the app's containers",
    hint: `review it with \`migrate ${command} --env ${ctx.global.env ?? '<env>'} --dry-run\`, then add --yes`,
  });
  const yes = await ctx.prompter.confirm(question, ctx.signal).catch(() => false);
  if (!yes) throw new InterruptedError(`${command} cancelled; nothing was changed`);
}
