import path from 'node:path';
import type { Context } from '../../context.js';
import { MigrateError } from '../../errors.js';
import { loadConfig, targetOnly, type LoadedConfig } from '../../core/config/load.js';
import { looksSecret } from '../../core/config/secrets.js';
import { resolveConfigPath, resolveEnvironment } from '../../core/config/environment.js';
import { parse, values } from '../../core/envfile/parse.js';
import { Redactor } from '../../core/redact.js';
import { appendAudit } from '../../core/state/audit.js';
import { type BackupSource, type PointsAtFn, planBackup } from '../../core/state/backup-plan.js';
import { classifyEnvValues } from '../../core/state/points-at.js';
import { createBackup } from '../../core/state/backups.js';
import { pruneBackups } from '../../core/state/backup-store.js';
import type { Lock } from '../../core/state/lock.js';
import { acquireLockWaiting } from '../../core/state/lock-wait.js';
import { resolveStateDir } from '../../core/state/paths.js';
import { referencedBackups } from '../../core/state/protect.js';

/** `migrate backup`: snapshot the environment's env files, apply retention, audit. */
export async function runCreate(ctx: Context, message?: string): Promise<number> {
  const started = Date.now();
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env, tolerateMissing: targetOnly });
  const { name: environment, envConfig } = resolveEnvironment(loaded, ctx.global.env);
  const stateDir = resolveStateDir(loaded.dir, loaded.config.stateDir);
  const sources: BackupSource[] = envConfig.envFiles.map((file) => ({ path: file, absolute: resolveConfigPath(loaded, file) }));
  const redactor = new Redactor(loaded.secrets);
  const pointsAt = inspector(loaded, redactor);

  if (ctx.global.dryRun) return dryRun(ctx, environment, stateDir, await planBackup(sources, pointsAt));

  const lock = await takeLock(ctx, stateDir, environment);
  if (lock.takenOver) ctx.out.warn(`took over a stale lock of ${environment} (pid ${lock.takenOver.pid ?? '?'} is gone)`);
  return backUp(ctx, { started, loaded, environment, stateDir, sources, redactor, pointsAt, message }).finally(() => lock.release());
}

interface BackupJob {
  started: number;
  loaded: LoadedConfig;
  environment: string;
  stateDir: string;
  sources: BackupSource[];
  redactor: Redactor;
  pointsAt: PointsAtFn;
  message?: string;
}

/** How long a backup waits for a running rollback of its environment before giving up. */
const ROLLBACK_WAIT_MS = 5 * 60_000;

/**
 * The environment's lock keeps a backup, and the pruning after it, out of a rollback's way: a
 * rollback is waited for; a ramp (which takes its own backup) is refused, naming who holds it.
 */
function takeLock(ctx: Context, stateDir: string, environment: string): Promise<Lock> {
  return acquireLockWaiting(stateDir, environment, {
    command: 'migrate backup',
    waitFor: (holder) => /\brollback\b/.test(holder.command),
    timeoutMs: ROLLBACK_WAIT_MS,
    signal: ctx.signal,
    processEnv: ctx.processEnv,
    onWait: (holder) => ctx.out.info(`waiting for ${holder.command} (pid ${holder.pid}) to finish with ${environment}`),
  });
}

/** Under the lock: copy, prune, audit, print. */
async function backUp(ctx: Context, { started, loaded, environment, stateDir, sources, redactor, pointsAt, message }: BackupJob): Promise<number> {
  const audit = (result: string, details: Record<string, unknown>) =>
    appendAudit(stateDir, { command: 'backup', environment, result, durationMs: Date.now() - started, details }, { secrets: loaded.secrets, processEnv: ctx.processEnv }).catch(
      (err: Error) => ctx.out.warn(`could not write the audit log: ${err.message}`),
    );
  let backup;
  try {
    // The message is stored and printed: keep keys out of it, including ones only the env files hold.
    const planned = await planBackup(sources, pointsAt);
    backup = await createBackup({
      stateDir,
      environment,
      files: sources,
      planned,
      message: message && redactor.text(message),
      toolVersion: ctx.version,
      processEnv: ctx.processEnv,
    });
  } catch (err) {
    const details = err instanceof MigrateError ? err.details : [];
    await audit('failed', { error: redactor.text((err as Error).message), problems: details.map((d) => redactor.text(d)), files: sources.map((s) => s.path) });
    throw err;
  }
  const pruned = await pruneBackups(stateDir, environment, loaded.config.backup.keep, { protect: await referencedBackups(stateDir, environment) });
  await audit('ok', { backup: backup.id, files: backup.manifest.files.map((f) => f.path), message: backup.manifest.message, pruned });

  const where = path.relative(ctx.cwd, backup.dir) || backup.dir;
  if (ctx.out.json) ctx.out.printJson({ schemaVersion: 1, ok: true, backup: { ...backup.manifest, dir: backup.dir }, pruned });
  else ctx.out.print(backup.id);
  for (const f of backup.manifest.files) ctx.out.info(`  ${f.path}  ${f.size} bytes  points at ${f.pointsAt}`);
  ctx.out.success(`backed up ${backup.manifest.files.length} env file${backup.manifest.files.length === 1 ? '' : 's'} of ${environment} to ${where}`);
  if (pruned.length > 0) ctx.out.info(`removed ${pruned.length} old backup${pruned.length === 1 ? '' : 's'} (keeping the newest ${loaded.config.backup.keep})`);
  return 0;
}

/** Classifies each file by its base-URL keys, and learns its secret values for redaction. */
function inspector(loaded: LoadedConfig, redactor: Redactor): PointsAtFn {
  return (file) => {
    const vars = values(parse(file.content));
    for (const [key, value] of Object.entries(vars)) if (looksSecret(key) && value) redactor.add(value);
    return classifyEnvValues(vars, loaded.config.providers);
  };
}

function dryRun(ctx: Context, environment: string, stateDir: string, planned: Awaited<ReturnType<typeof planBackup>>): number {
  const target = path.join(path.relative(ctx.cwd, stateDir) || stateDir, 'backups', `<new id>`);
  const files = planned.map(({ content: _content, ...f }) => f);
  if (ctx.out.json) ctx.out.printJson({ schemaVersion: 1, ok: true, dryRun: true, environment, stateDir, files });
  for (const f of files) ctx.out.info(`would copy ${f.path} (${f.size} bytes, points at ${f.pointsAt}) to ${target}/${f.stored}`);
  ctx.out.info(`dry run: nothing written; without --dry-run this backs up ${files.length} file${files.length === 1 ? '' : 's'} of ${environment}`);
  return 0;
}
