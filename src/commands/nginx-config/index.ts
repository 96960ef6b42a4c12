import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { loadConfig, resolveConfigPath, resolveEnvironment } from '../../core/config/index.js';
import { Redactor } from '../../core/redact.js';
import { renderNginxInclude } from '../../core/traffic/nginx-render.js';

export interface NginxConfigOptions {
  weight?: number;
}

/**
 * `migrate nginx-config [--env E] [--weight N]`: the include the nginx driver writes, keys
 * redacted, so it can be reviewed and wired into nginx before a ramp.
 */
export async function run(ctx: Context, opts: NginxConfigOptions): Promise<number> {
  const weight = opts.weight ?? 0;
  if (!(weight >= 0 && weight <= 100)) throw new UsageError(`--weight must be between 0 and 100, got ${weight}`);
  const loaded = await loadConfig({ cwd: ctx.cwd, env: ctx.env, configPath: ctx.global.config, environment: ctx.global.env });
  for (const warning of loaded.warnings) ctx.out.warn(warning);
  const { name, env } = resolveEnvironment(loaded, ctx.global.env);
  const traffic = env.traffic;
  if (traffic.driver !== 'nginx') {
    ctx.out.warn(`environment ${name} uses the ${traffic.driver} traffic driver; this is what the nginx driver would write`);
  }
  const splitKey = traffic.driver === 'nginx' ? traffic.splitKey : '$request_id';
  const include = renderNginxInclude({ environment: name, weight, splitKey, providers: loaded.config.providers, redact: true });
  // Belt and braces: whatever else in the config is secret must not leak through the include either.
  const text = new Redactor(loaded.secrets).text(include);
  const file = traffic.driver === 'nginx' ? resolveConfigPath(loaded, traffic.file) : undefined;
  if (ctx.out.json) ctx.out.printJson({ environment: name, weight, file, include: text });
  else ctx.out.print(text);
  return 0;
}
