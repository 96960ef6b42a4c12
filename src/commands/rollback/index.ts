import type { Context } from '../../context.js';
import { loadConfig, targetOnly } from '../../core/config/load.js';
import { resolveEnvironment } from '../../core/config/environment.js';
import { createRunner } from '../../core/exec/run.js';
import { formatArgv } from '../../core/exec/format.js';
import { defaultDeps, rollback } from '../../core/rollback/run.js';
import { dryRunLines, summaryLine, timingsLine } from '../../core/rollback/render.js';

export interface RollbackOptions {
  /** --to ID */
  to?: string;
  /** false with --no-restart (commander's negated flag). */
  restart?: boolean;
}

/** `migrate rollback [--env E] [--to ID] [--yes] [--dry-run] [--no-restart]`. Exit 0 only when verified. */
export async function run(ctx: Context, opts: RollbackOptions): Promise<number> {
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env, tolerateMissing: targetOnly });
  const { name, envConfig } = resolveEnvironment(loaded, ctx.global.env);
  for (const warning of loaded.warnings) ctx.out.warn(warning);
  const runner = createRunner({ processEnv: ctx.processEnv, onRun: (cmd) => ctx.out.debug(`$ ${formatArgv(cmd.argv)}`) });
  const { report, plan } = await rollback(
    {
      loaded,
      environment: name,
      envConfig,
      to: opts.to,
      dryRun: Boolean(ctx.global.dryRun),
      restart: opts.restart !== false,
      prompter: ctx.prompter,
      signal: ctx.signal,
      processEnv: ctx.processEnv,
      log: { info: (l) => ctx.out.info(l), warn: (l) => ctx.out.warn(l) },
    },
    defaultDeps(runner),
  );
  if (!report.dryRun) ctx.out.debug(timingsLine(report));
  if (ctx.out.json) ctx.out.printJson(report);
  else if (report.dryRun) ctx.out.print(dryRunLines(report, plan).join('\n'));
  else ctx.out.print(summaryLine(report));
  return 0;
}
