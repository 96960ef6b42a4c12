import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../../context.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { displayName } from '../../core/config/source.js';
import { existingConfigFile } from '../../core/config/find.js';
import { type InitChoices, planConfig } from '../../core/config/init/plan.js';
import { MIGRATE_ENV, ignoreMigrateEnv, renderMigrateEnv, unsetVariables, writeMigrateEnv } from '../../core/config/init/migrate-env.js';
import { renderConfig, renderFindings } from '../../core/config/init/render.js';
import { scanProject } from '../../core/config/init/scan.js';
import { type InitPrompter, askChoices } from '../../core/config/init/prompts.js';
import { writeFileAtomic } from '../../core/fs/atomic.js';

interface InitOptions {
  force?: boolean;
}

/**
 * `migrate init [--force] [--dry-run] [--config FILE]`: write migrate.yaml and .env.migrate from
 * the env and compose files in the directory it will live in. Never overwrites without --force.
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
  const scan = await scanProject(dir);
  let plan = planConfig(scan);
  if (!ctx.out.json) ctx.out.info(`${renderFindings(plan.findings)}\n`);
  // --yes takes the detected defaults; a person at a terminal is asked only where there is a choice.
  if (ctx.prompter.interactive && !ctx.global.yes && !ctx.global.dryRun) {
    const choices = await ask(ctx, plan, (c) => planConfig(scan, c), ctx.prompter);
    plan = planConfig(scan, choices);
  }
  const text = renderConfig(plan);
  const name = displayName(file, ctx.cwd);
  const envName = displayName(path.join(dir, MIGRATE_ENV), ctx.cwd);
  const environments = plan.environments.map((e) => e.name);
  const findings = plan.findings;
  if (ctx.global.dryRun) {
    const unset = await unsetVariables(plan, dir, ctx.processEnv, { ...plan.migrateEnv });
    if (ctx.out.json) ctx.out.printJson({ file: name, written: false, environments, findings, unsetVariables: unset, content: text });
    else ctx.out.print(text);
    ctx.out.info(`would write ${envName} (mode 0600) with LEGACY_BASE_URL, LEGACY_API_KEY, TARGET_BASE_URL, TARGET_API_KEY`);
    return 0;
  }
  await writeFileAtomic(file, text, { mode: 0o644 });
  const envWritten = await writeMigrateEnv(dir, renderMigrateEnv(plan));
  const ignored = await ignoreMigrateEnv(dir);
  const unset = await unsetVariables(plan, dir, ctx.processEnv);
  if (ctx.out.json)
    ctx.out.printJson({ file: name, written: true, environments, findings, migrateEnv: { file: envName, written: envWritten }, ignoredIn: ignored, unsetVariables: unset });
  ctx.out.success(`wrote ${name} (environments: ${environments.join(', ') || 'none found'})`);
  if (envWritten) ctx.out.success(`wrote ${envName} (mode 0600): the legacy key and URL, copied before any cut-over`);
  else ctx.out.info(`kept ${envName} as it is: it may already hold the legacy key from before a cut-over`);
  if (ignored.length > 0) ctx.out.info(`added ${MIGRATE_ENV} to ${ignored.join(' and ')}`);
  if (unset.length > 0) ctx.out.info(`next: set ${unset.join(', ')} in ${envName} or the environment, then run \`migrate check\``);
  else ctx.out.info('next: run `migrate config` to review it, then `migrate check`');
  return 0;
}

async function ask(ctx: Context, plan: ReturnType<typeof planConfig>, replan: (c: InitChoices) => ReturnType<typeof planConfig>, prompter: InitPrompter): Promise<InitChoices> {
  try {
    return await askChoices(plan, replan, prompter, ctx.signal);
  } catch {
    // Ctrl-C inside a prompt (inquirer's ExitPromptError or our abort): nothing was written.
    throw new InterruptedError('init cancelled at the prompt; nothing was written');
  }
}
