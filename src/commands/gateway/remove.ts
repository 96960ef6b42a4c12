import path from 'node:path';
import type { Context } from '../../context.js';
import { loadConfig } from '../../core/config/load.js';
import { resolveEnvironment } from '../../core/config/environment.js';
import { createRunner } from '../../core/exec/run.js';
import { applyRemove, planRemove } from '../../core/gateway/remove.js';
import { Redactor } from '../../core/redact.js';
import { appendAudit } from '../../core/state/audit.js';
import { createBackup } from '../../core/state/backups.js';
import { acquireLockWaiting } from '../../core/state/lock-wait.js';
import { resolveStateDir } from '../../core/state/paths.js';
import { confirmChange } from './confirm.js';

/** `migrate gateway remove --env E [--dry-run] [--yes] [--json]`: the app straight to its provider again. */
export async function runRemove(ctx: Context): Promise<number> {
  const started = Date.now();
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env });
  const { name: environment, envConfig } = resolveEnvironment(loaded, ctx.global.env);
  const run = createRunner({ processEnv: ctx.processEnv, signal: ctx.signal });
  const plan = await planRemove({ loaded, environment, envConfig, run, processEnv: ctx.processEnv });
  const redactor = new Redactor(loaded.secrets);
  const changes = Object.entries(plan.updates).map(([name, value]) => `${name}=${redactor.text(value)}`);
  const summary = { environment, provider: plan.role, weight: plan.weight, weightFrom: plan.weightFrom, set: changes, recreate: plan.consumers };
  if (ctx.global.dryRun) {
    if (ctx.out.json) ctx.out.printJson({ schemaVersion: 1, ok: true, dryRun: true, ...summary });
    else
      ctx.out.print(
        [
          `# the gateway sends ${plan.weight}% to target (read from ${plan.weightFrom}): the app goes back to ${plan.role} directly`,
          ...changes.map((c) => `# set ${c}`),
          `# recreate ${plan.consumers.join(', ')}; stop and remove llm-gateway; delete ${plan.layout.override} and ${plan.layout.confDir}`,
        ].join('\n'),
      );
    return 0;
  }
  await confirmChange(ctx, 'gateway remove', `Point ${plan.consumers.join(', ')} straight at ${plan.role} and remove the gateway?`);
  const stateDir = resolveStateDir(loaded.dir, loaded.config.stateDir);
  const lock = await acquireLockWaiting(stateDir, environment, {
    command: 'migrate gateway remove',
    waitFor: () => false,
    timeoutMs: 0,
    signal: ctx.signal,
    processEnv: ctx.processEnv,
  });
  try {
    const backup = await createBackup({
      stateDir,
      environment,
      files: envConfig.envFiles.map((f) => ({ path: f, absolute: path.resolve(loaded.dir, f) })),
      message: 'before gateway remove',
      toolVersion: ctx.version,
      processEnv: ctx.processEnv,
    });
    await applyRemove(plan, { loaded, run, timeoutMs: envConfig.compose!.healthTimeout, signal: ctx.signal });
    await appendAudit(
      stateDir,
      { command: 'gateway remove', environment, result: 'ok', durationMs: Date.now() - started, details: { backup: backup.id, provider: plan.role } },
      { secrets: loaded.secrets, processEnv: ctx.processEnv },
    ).catch(() => undefined);
    if (ctx.out.json) ctx.out.printJson({ schemaVersion: 1, ok: true, backup: backup.id, ...summary });
    else ctx.out.success(`${plan.consumers.join(', ')} talk to ${plan.role} directly again; the gateway is removed (backup ${backup.id})`);
    return 0;
  } finally {
    await lock.release();
  }
}
