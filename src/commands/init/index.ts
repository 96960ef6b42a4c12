import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { displayName, existingConfigFile } from '../../core/config/index.js';
import { planConfig, renderConfig, scanProject, unsetVariables } from '../../core/config/init/index.js';
import { writeFileAtomic } from '../../core/fs/atomic.js';

interface InitOptions {
  force?: boolean;
}

/**
 * `migrate init [--force] [--dry-run] [--config FILE]`: write migrate.yaml from the env and compose
 * files in the directory it will live in. Never overwrites without --force.
 */
export async function run(ctx: Context, opts: InitOptions): Promise<number> {
  const file = path.resolve(ctx.cwd, ctx.global.config ?? 'migrate.yaml');
  const dir = path.dirname(file);
  const existing = ctx.global.config ? ((await stat(file).catch(() => undefined)) ? file : undefined) : await existingConfigFile(dir);
  if (existing && !opts.force && !ctx.global.dryRun) {
    throw new UsageError(`${displayName(existing, ctx.cwd)} already exists; not overwriting it`, {
      hint: 'pass --force to replace it, or --dry-run to print what init would write',
    });
  }
  const plan = planConfig(await scanProject(dir));
  const text = renderConfig(plan);
  const unset = await unsetVariables(plan, dir, ctx.env);
  const name = displayName(file, ctx.cwd);
  const environments = plan.environments.map((e) => e.name);
  if (ctx.global.dryRun) {
    if (ctx.out.json) ctx.out.printJson({ file: name, written: false, environments, unsetVariables: unset, content: text });
    else ctx.out.print(text);
    return 0;
  }
  await writeFileAtomic(file, text, { mode: 0o644 });
  if (ctx.out.json) ctx.out.printJson({ file: name, written: true, environments, unsetVariables: unset });
  ctx.out.success(`wrote ${name} (environments: ${environments.join(', ') || 'none found'})`);
  if (unset.length > 0) ctx.out.info(`next: set ${unset.join(', ')} in ${path.join(path.relative(ctx.cwd, dir), '.env')} or the environment, then run \`migrate check\``);
  else ctx.out.info('next: run `migrate config` to review it, then `migrate check`');
  return 0;
}
