import type { Command } from 'commander';
import type { Context } from '../../context.js';
import { bashScript } from '../../core/completion/bash.js';
import { fishScript } from '../../core/completion/fish.js';
import { completionSpec } from '../../core/completion/spec.js';
import { zshScript } from '../../core/completion/zsh.js';

export interface CompletionOptions {
  /** [shell]: commander has checked it is bash, zsh or fish. */
  args?: string[];
  /** The declared program: the scripts list its commands and flags. */
  program: Command;
}

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript };

/** `migrate completion bash|zsh|fish`: the completion script on stdout. */
export async function run(ctx: Context, opts: CompletionOptions): Promise<number> {
  const shell = opts.args?.[0] as keyof typeof SCRIPTS;
  ctx.out.opts.stdout.write(SCRIPTS[shell](completionSpec(opts.program)));
  return 0;
}
