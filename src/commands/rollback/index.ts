import type { Context } from '../../context.js';
import { loadConfig, targetOnly, resolveEnvironment } from '../../core/config/index.js';
import { createRunner, formatArgv } from '../../core/exec/index.js';
import { defaultDeps, dryRunLines, rollback, summaryLine, terminalPrompt, timingsLine } from '../../core/rollback/index.js';

export interface RollbackOptions {
  /** --to ID */
  to?: string;
  /** false with --no-restart (commander's negated flag). */
  restart?: boolean;
}

/** `migrate rollback [--env E] [--to ID] [--yes] [--dry-run] [--no-restart]`. Exit 0 only when verified. */
export async function run(ctx: Context, opts: RollbackOptions): Promise<number> {
  const loaded = await loadConfig({ cwd: ctx.cwd, env: ctx.env, configPath: ctx.global.config, environment: ctx.global.env, tolerateMissing: targetOnly });
  const { name, env } = resolveEnvironment(loaded, ctx.global.env);
  for (const warning of loaded.warnings) ctx.out.warn(warning);
  const runner = createRunner({ onRun: (cmd) => ctx.out.debug(`$ ${formatArgv(cmd.argv)}`) });
  const { report, plan } = await rollback(
    {
      loaded,
      environment: name,
      env,
      to: opts.to,
      yes: Boolean(ctx.global.yes),
      dryRun: Boolean(ctx.global.dryRun),
      restart: opts.restart !== false,
      interactive: ctx.interactive,
      signal: ctx.signal,
      processEnv: ctx.env,
      log: { info: (l) => ctx.out.info(l), warn: (l) => ctx.out.warn(l) },
    },
    defaultDeps(runner, terminalPrompt),
  );
  if (!report.dryRun) ctx.out.debug(timingsLine(report));
  if (ctx.out.json) ctx.out.printJson(report);
  else if (report.dryRun) ctx.out.print(dryRunLines(report, plan).join('\n'));
  else ctx.out.print(summaryLine(report));
  return 0;
}
