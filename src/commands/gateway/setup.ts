import path from 'node:path';
import type { Context } from '../../context.js';
import { loadConfig } from '../../core/config/load.js';
import { resolveEnvironment } from '../../core/config/environment.js';
import { createRunner } from '../../core/exec/run.js';
import { planSetup, type SetupPlan } from '../../core/gateway/plan.js';
import { applySetup } from '../../core/gateway/setup.js';
import { Redactor } from '../../core/redact.js';
import { appendAudit } from '../../core/state/audit.js';
import { acquireLockWaiting } from '../../core/state/lock-wait.js';
import { resolveStateDir } from '../../core/state/paths.js';
import { confirmChange } from './confirm.js';
import type { GatewayOptions } from './options.js';

/** `migrate gateway setup --env E [--image I] [--port N] [--network-mode host] [--dry-run] [--yes] [--json]`. */
export async function runSetup(ctx: Context, opts: GatewayOptions): Promise<number> {
  const started = Date.now();
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env });
  for (const warning of loaded.warnings) ctx.out.warn(warning);
  const { name: environment, envConfig } = resolveEnvironment(loaded, ctx.global.env);
  const run = createRunner({ processEnv: ctx.processEnv, signal: ctx.signal });
  const plan = await planSetup({ loaded, environment, envConfig, flags: { image: opts.image, port: opts.port, networkMode: opts.networkMode }, run, processEnv: ctx.processEnv });
  const redactor = new Redactor(loaded.secrets);
  if (ctx.global.dryRun) return dryRun(ctx, plan, redactor);

  await confirmChange(ctx, 'gateway setup', `Put an nginx gateway in front of ${plan.consumers.join(', ')} (recreated) at ${plan.url}?`);
  const stateDir = resolveStateDir(loaded.dir, loaded.config.stateDir);
  const lock = await acquireLockWaiting(stateDir, environment, {
    command: 'migrate gateway setup',
    waitFor: () => false,
    timeoutMs: 0,
    signal: ctx.signal,
    processEnv: ctx.processEnv,
  });
  const audit = (result: string, details: Record<string, unknown>) =>
    appendAudit(
      stateDir,
      { command: 'gateway setup', environment, result, durationMs: Date.now() - started, details },
      { secrets: loaded.secrets, processEnv: ctx.processEnv },
    ).catch((err: Error) => ctx.out.warn(`could not write the audit log: ${err.message}`));
  try {
    ctx.out.info(`starting ${plan.traffic.service} (${path.relative(ctx.cwd, plan.layout.override) || plan.layout.override}) at 0 % target`);
    const result = await applySetup(plan, {
      loaded,
      stateDir,
      run,
      toolVersion: ctx.version,
      processEnv: ctx.processEnv,
      log: ctx.out,
      signal: ctx.signal,
      timeoutMs: envConfig.compose!.healthTimeout,
    });
    await audit('ok', { backup: result.backup, url: result.url, recreated: result.recreated });
    if (ctx.out.json)
      ctx.out.printJson({ schemaVersion: 1, ok: true, environment, ...result, traffic: plan.traffic, files: [plan.include.file, ...plan.files.map((f) => f.file)] });
    else {
      ctx.out.info(`backed up the env files (${result.backup})`);
      ctx.out.info(
        `${Object.entries(plan.values)
          .map(([name, value]) => `${name} → ${value}`)
          .join(', ')}; recreated ${result.recreated.join(', ')}`,
      );
      ctx.out.success(`${environment} goes through ${plan.traffic.service}: requests answered by ${result.answeredBy}; next: \`migrate ramp --env ${environment}\``);
    }
    return 0;
  } catch (err) {
    await audit('failed', { error: redactor.text((err as Error).message) });
    throw err;
  } finally {
    await lock.release();
  }
}

/** Every file (the include with its keys redacted) and every change, nothing written. */
function dryRun(ctx: Context, plan: SetupPlan, redactor: Redactor): number {
  const files = [{ file: plan.include.file, mode: 0o600, content: plan.include.printable }, ...plan.files.map((f) => ({ file: f.file, mode: f.mode, content: f.printable }))].map(
    (f) => ({ ...f, content: redactor.text(f.content) }),
  );
  const envChanges = plan.urls.files.map((f) => ({ file: f.file, set: Object.fromEntries(Object.keys(f.values).map((n) => [n, plan.values[n]!])), was: f.values }));
  if (ctx.out.json) {
    ctx.out.printJson({
      schemaVersion: 1,
      ok: true,
      dryRun: true,
      environment: plan.environment,
      url: plan.url,
      files,
      envChanges,
      recreate: plan.consumers,
      traffic: plan.traffic,
      config: plan.configText,
    });
    return 0;
  }
  for (const f of files) ctx.out.print(`# ${f.file} (mode ${f.mode.toString(8)})\n${f.content.trimEnd()}\n`);
  for (const c of envChanges) for (const [name, value] of Object.entries(c.set)) ctx.out.print(`# ${c.file}: ${name}=${redactor.text(c.was[name] ?? '')} → ${value}`);
  ctx.out.print(`# recreate ${plan.consumers.join(', ')}; migrate.yaml: compose.files + ${path.basename(plan.layout.override)}, traffic: ${JSON.stringify(plan.traffic)}`);
  ctx.out.info('dry run: nothing written, nothing started; a backup of the env files is taken first when run for real');
  return 0;
}
