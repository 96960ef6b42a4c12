import type { Context } from '../../context.js';
import { loadConfig } from '../../core/config/load.js';
import { resolveEnvironment } from '../../core/config/environment.js';
import { configAsYaml, redactedConfig } from '../../core/config/show.js';
import { originRecord } from '../../core/config/origins.js';
import { refuseWarnings } from '../../core/config/warnings.js';

/** `migrate config [--env NAME] [--json] [--strict]`: the resolved config, secrets redacted. */
export async function run(ctx: Context, opts: { strict?: boolean }): Promise<number> {
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env });
  if (opts.strict) refuseWarnings(loaded);
  for (const warning of loaded.warnings) ctx.out.warn(warning);
  // Only an explicit --env narrows the view; MIGRATE_ENV alone still shows the whole file.
  const resolved = ctx.global.env ? resolveEnvironment(loaded, ctx.global.env) : undefined;
  const environment = resolved?.name;
  // With --env, also whether its compose files work with the configured compose (exit 2 if not).
  // Imported only then: the compose model, runner and file helpers (and node:crypto) are a good
  // part of what plain `migrate config` would otherwise load before printing anything.
  if (resolved) {
    const [{ composePreflight }, { createRunner }] = await Promise.all([import('../../core/compose/preflight.js'), import('../../core/exec/run.js')]);
    for (const warning of await composePreflight(loaded, resolved.name, resolved.envConfig, createRunner({ processEnv: ctx.processEnv }), ctx.processEnv)) ctx.out.warn(warning);
  }
  const config = redactedConfig(loaded, environment);
  // `origins`: where each provider setting came from (names and files, never values), as in the YAML comments.
  if (ctx.out.json) ctx.out.printJson({ ...config, origins: originRecord(loaded.origins, loaded.dir, loaded.name) });
  else ctx.out.print(configAsYaml(loaded, config));
  return 0;
}
