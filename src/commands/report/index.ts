import path from 'node:path';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { loadConfig, targetOnly } from '../../core/config/load.js';
import { resolveEnvironment } from '../../core/config/environment.js';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { rampReportHtml } from '../../core/report/html/ramp-report-file.js';

export interface ReportFlags {
  out?: string;
}

/** `migrate report [--env E] [--out FILE]`: the last ramp of E as one self-contained HTML file. */
export async function run(ctx: Context, flags: ReportFlags): Promise<number> {
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env, tolerateMissing: targetOnly });
  const { name } = resolveEnvironment(loaded, ctx.global.env);
  const file = path.resolve(ctx.cwd, flags.out ?? `migrate-report-${name}.html`);
  const { html, decisions } = await rampReportHtml(loaded, name, ctx.version);
  if (ctx.global.dryRun) {
    ctx.out.print(`would write ${file} (${decisions} decisions)`);
    return 0;
  }
  await writeFileAtomic(file, html).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot write ${file} (${err.code ?? err.message})`, { hint: 'pass --out with a path in a directory you can write' });
  });
  if (ctx.out.json) ctx.out.printJson({ ok: true, environment: name, file, decisions });
  else ctx.out.print(`wrote ${file}: the ramp of ${name}, ${decisions} decisions`);
  return 0;
}
