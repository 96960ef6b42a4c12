import type { Context } from '../../context.js';
import { dynamicWords } from '../../core/completion/dynamic.js';

export interface CompleteOptions {
  /** [list]: environments or backups. */
  args?: string[];
}

/**
 * `migrate __complete environments|backups [--env E]`: called by the completion scripts on
 * every Tab. One name a line; on any problem (no config, a bad one, an untrusted state
 * directory) nothing at all, exit 0: a shell prompt is no place for an error.
 */
export async function run(ctx: Context, opts: CompleteOptions): Promise<number> {
  const list = opts.args?.[0];
  if (list !== 'environments' && list !== 'backups') return 0;
  const words = await dynamicWords(list, { cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env }).catch(() => []);
  if (words.length > 0) ctx.out.opts.stdout.write(`${words.join('\n')}\n`);
  return 0;
}
