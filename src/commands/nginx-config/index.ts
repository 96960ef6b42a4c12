import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { loadConfig } from '../../core/config/load.js';
import { resolveConfigPath, resolveEnvironment } from '../../core/config/environment.js';
import { Redactor } from '../../core/redact.js';
import { renderNginxInclude } from '../../core/traffic/nginx-render.js';
import { includeSteps } from '../../core/traffic/nginx.js';
import { executeStep } from '../../core/traffic/steps.js';

export interface NginxConfigOptions {
  weight?: number;
  write?: boolean;
}

/**
 * `migrate nginx-config [--env E] [--weight N] [--write]`: the include the nginx driver writes,
 * keys redacted, so it can be reviewed and wired into nginx before a ramp. `--write` puts it
 * where the driver keeps it, real keys and 0600, so nginx can start before the first stage.
 */
export async function run(ctx: Context, opts: NginxConfigOptions): Promise<number> {
  const weight = opts.weight ?? 0;
  if (!(weight >= 0 && weight <= 100)) throw new UsageError(`--weight must be between 0 and 100, got ${weight}`);
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env });
  for (const warning of loaded.warnings) ctx.out.warn(warning);
  const { name, envConfig } = resolveEnvironment(loaded, ctx.global.env);
  const traffic = envConfig.traffic;
  if (traffic.driver !== 'nginx') {
    if (opts.write) {
      throw new UsageError(`environment ${name} uses the ${traffic.driver} traffic driver: --write needs traffic.file of the nginx driver`, {
        hint: `set environments.${name}.traffic to { driver: nginx, file: <include> } in ${loaded.name}, or run \`migrate gateway setup --env ${name}\``,
      });
    }
    ctx.out.warn(`environment ${name} uses the ${traffic.driver} traffic driver; this is what the nginx driver would write`);
  }
  const splitKey = traffic.driver === 'nginx' ? traffic.splitKey : '$request_id';
  const file = traffic.driver === 'nginx' ? resolveConfigPath(loaded, traffic.file) : undefined;
  if (opts.write && file) return write(ctx, { environment: name, file, splitKey, providers: loaded.config.providers }, weight);
  const include = renderNginxInclude({ environment: name, weight, splitKey, providers: loaded.config.providers, redact: true });
  // Belt and braces: whatever else in the config is secret must not leak through the include either.
  const text = new Redactor(loaded.secrets).text(include);
  if (ctx.out.json) ctx.out.printJson({ environment: name, weight, file, include: text });
  else ctx.out.print(text);
  return 0;
}

/** The driver's own writer: in place (a single-file bind mount keeps seeing it), 0600, keys in full, never printed. */
async function write(ctx: Context, input: Parameters<typeof includeSteps>[0], weight: number): Promise<number> {
  if (!ctx.global.dryRun) await fs.mkdir(path.dirname(input.file), { recursive: true, mode: 0o700 }).catch(() => undefined);
  // The include, and the njs script beside it when target renames models.
  for (const step of includeSteps(input, weight)) {
    await executeStep(step, {
      run: () => Promise.reject(new Error('no command here')),
      dryRun: ctx.global.dryRun,
      onDryRun: (line) => ctx.out.info(line),
      onWarning: (line) => ctx.out.warn(line),
    }).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot write ${step.file}: ${err.code ?? err.message}; nothing was changed`, {
        hint: `make ${path.dirname(input.file)} writable for this user, or change traffic.file`,
      });
    });
  }
  const done = !ctx.global.dryRun;
  if (ctx.out.json) ctx.out.printJson({ environment: input.environment, weight, file: input.file, written: done });
  else if (done) ctx.out.success(`wrote ${input.file} (${weight}% to target, mode 0600); include it in nginx's http {} block, then \`nginx -t && nginx -s reload\``);
  return 0;
}
