import type { Context } from '../../context.js';
import { loadConfig, targetOnly } from '../../core/config/load.js';
import { resolveEnvironment } from '../../core/config/environment.js';
import { Redactor } from '../../core/redact.js';
import { environmentStatus, withContainers } from '../../core/ramp/status.js';
import { renderStatus } from '../../core/ramp/status-render.js';

/** `migrate status [--env E] [--json]`: every environment's ramp (or one), its weight, lock and latest gates. */
export async function run(ctx: Context): Promise<number> {
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env, tolerateMissing: targetOnly });
  const names = ctx.global.env ? [resolveEnvironment(loaded, ctx.global.env).name] : Object.keys(loaded.config.environments);
  const one = async (name: string) => {
    const status = await environmentStatus(loaded, name, loaded.config.environments[name]!);
    // Asking docker costs a second or so per environment: only for the one named.
    return ctx.global.env ? withContainers(status, loaded, loaded.config.environments[name]!, ctx.processEnv) : status;
  };
  const list = await Promise.all(names.map(one));
  // Gate reasons quote command output and webhook answers: redact before printing.
  const safe = new Redactor(loaded.secrets).value(list);
  if (ctx.out.json) ctx.out.printJson({ schemaVersion: 1, environments: safe });
  else if (safe.length === 0) ctx.out.print(`${loaded.name} defines no environments`);
  else ctx.out.print(renderStatus(safe, ctx.out.c));
  return 0;
}
