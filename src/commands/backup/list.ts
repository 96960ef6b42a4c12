import type { Context } from '../../context.js';
import { loadConfig, targetOnly } from '../../core/config/load.js';
import { table } from '../../core/output/table.js';
import { type Backup, type DamagedBackup, scanBackups } from '../../core/state/backup-store.js';
import { checkScan } from '../../core/state/backup-verify.js';
import { resolveStateDir } from '../../core/state/paths.js';
import { futureLine, isFutureBackup } from '../../core/state/backup-dates.js';

/** `migrate backup list [--env E] [--json]`: newest first. */
export async function runList(ctx: Context): Promise<number> {
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env, tolerateMissing: targetOnly });
  const stateDir = resolveStateDir(loaded.dir, loaded.config.stateDir);
  // No check against the config: backups of an environment since removed are still listed.
  const environment = ctx.global.env;
  const { backups, damaged } = await checkScan(await scanBackups(stateDir, environment));
  const now = Date.now();
  const future = new Set(backups.filter((b) => isFutureBackup(b, now)).map((b) => b.id));
  // Rollback passes these over and retention prunes them first: say so before anyone picks one.
  for (const b of backups) if (future.has(b.id)) ctx.out.warn(futureLine(b, now, `rollback passes it over and retention prunes it first`));
  if (ctx.out.json) {
    ctx.out.printJson({ schemaVersion: 1, stateDir, environment: environment ?? null, backups: backups.map((b) => asJson(b, future.has(b.id))), damaged });
    return 0;
  }
  if (backups.length === 0) {
    ctx.out.info(
      `no ${damaged.length ? 'good ' : ''}backups${environment ? ` of ${environment}` : ''} in ${stateDir}; take one with \`migrate backup --env ${environment ?? 'NAME'}\``,
    );
  } else {
    ctx.out.print(renderTable(backups, environment === undefined, future));
  }
  // On stdout with the table: a damaged backup hidden from the listing passes for one never taken.
  for (const d of damaged) ctx.out.print(damagedLine(d));
  return 0;
}

function asJson(backup: Backup, future: boolean) {
  return { ...backup.manifest, dir: backup.dir, future };
}

function damagedLine(d: DamagedBackup): string {
  const what = d.state === 'damaged' ? 'DAMAGED, cannot be restored' : 'UNFINISHED (left by a crash), the next backup removes it';
  return `${d.id}  ${what}: ${d.reason}`;
}

function renderTable(backups: Backup[], showEnvironment: boolean, future: Set<string>): string {
  const header = ['ID', ...(showEnvironment ? ['ENV'] : []), 'CREATED', 'FILES', 'POINTS AT', 'BY', 'MESSAGE'];
  const rows = backups.map(({ manifest: m }) => [
    m.id,
    ...(showEnvironment ? [m.environment] : []),
    m.created.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') + (future.has(m.id) ? ' (FUTURE)' : ''),
    String(m.files.length),
    [...new Set(m.files.map((f) => f.pointsAt))].join('/'),
    `${m.user}@${m.host}`,
    m.message ?? '',
  ]);
  return table(header, rows);
}
