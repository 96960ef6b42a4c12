import path from 'node:path';
import type { Context } from '../../context.js';
import { loadConfig } from '../../core/config/load.js';
import { resolveEnvironment } from '../../core/config/environment.js';
import { formatArgv } from '../../core/exec/format.js';
import { planMonitoring, type MonitoringPlan } from '../../core/monitoring/plan.js';
import { writeMonitoring } from '../../core/monitoring/write.js';
import { Redactor } from '../../core/redact.js';

export interface MonitoringOptions {
  out?: string;
  force?: boolean;
  image?: string;
  metricsPort?: number;
  mtailPort?: number;
  blackboxPort?: number;
}

/**
 * `migrate monitoring --env E [--out DIR] [--force] [--image I] [--metrics-port N] [--mtail-port N] [--blackbox-port N]`: the mtail program, blackbox
 * modules and key files, Prometheus config and rules, Grafana dashboard and compose override
 * that watch the environment's gateway traffic and nodes. Writes files only; starts nothing.
 */
export async function run(ctx: Context, opts: MonitoringOptions): Promise<number> {
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env });
  for (const warning of loaded.warnings) ctx.out.warn(warning);
  const { name: environment, envConfig } = resolveEnvironment(loaded, ctx.global.env);
  const plan = await planMonitoring({ loaded, environment, envConfig, out: opts.out ? path.resolve(ctx.cwd, opts.out) : undefined, image: opts.image, ports: ports(opts) });
  const redactor = new Redactor(loaded.secrets);
  for (const note of plan.notes) ctx.out.warn(note);
  if (ctx.global.dryRun) return dryRun(ctx, plan, redactor);
  const written = await writeMonitoring(plan.files, { force: opts.force ?? false, cwd: ctx.cwd });
  if (ctx.out.json) {
    ctx.out.printJson({
      schemaVersion: 1,
      ok: true,
      environment,
      dir: plan.dir,
      accessLog: plan.accessLog,
      files: written.map((w) => ({ ...w, mode: mode(w.mode) })),
      hostCommands: plan.hostCommands,
    });
    return 0;
  }
  for (const w of written) ctx.out.print(`${w.replaced ? 'replaced' : 'wrote'} ${rel(ctx, w.file)} (${mode(w.mode)})`);
  nextSteps(ctx, plan);
  return 0;
}

/** The file list, nothing written; key files' content is never shown. */
function dryRun(ctx: Context, plan: MonitoringPlan, redactor: Redactor): number {
  const files = plan.files.map((f) => ({ file: f.file, mode: mode(f.mode), secret: f.secret ?? false }));
  if (ctx.out.json) {
    ctx.out.printJson({
      schemaVersion: 1,
      ok: true,
      dryRun: true,
      environment: plan.environment,
      dir: plan.dir,
      accessLog: plan.accessLog,
      files,
      hostCommands: plan.hostCommands.map((c) => redactor.text(formatArgv(c))),
    });
    return 0;
  }
  for (const f of files) ctx.out.print(`would write ${rel(ctx, f.file)} (${f.mode}${f.secret ? ', holds a key' : ''})`);
  ctx.out.info('dry run: nothing written');
  return 0;
}

function nextSteps(ctx: Context, plan: MonitoringPlan): void {
  const override = plan.files.find((f) => f.file.endsWith('compose.monitoring.yaml'))!.file;
  ctx.out.info(`run mtail and blackbox_exporter beside the gateway: add -f ${rel(ctx, override)} to your compose command and \`up -d llm-gateway-mtail llm-gateway-blackbox\``);
  ctx.out.info(`or on the host:\n  ${plan.hostCommands.map((c) => formatArgv(c)).join('\n  ')}`);
  ctx.out.info(
    `then point Prometheus at ${rel(ctx, path.join(plan.dir, 'prometheus', 'prometheus.yml'))} and import ${rel(ctx, path.join(plan.dir, 'grafana', 'dashboard.json'))} into Grafana`,
  );
}

function ports(opts: MonitoringOptions) {
  const given = { ramp: opts.metricsPort, mtail: opts.mtailPort, blackbox: opts.blackboxPort };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
}

function mode(m: number): string {
  return `0${m.toString(8)}`;
}

function rel(ctx: Context, file: string): string {
  return path.relative(ctx.cwd, file) || file;
}
