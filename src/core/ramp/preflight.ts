import { Redactor } from '../redact.js';
import { UnhealthyError, UsageError } from '../../errors.js';
import { runCheck } from '../check/run.js';
import type { EndpointReport } from '../check/types.js';
import { resolveConfigPath } from '../config/environment.js';
import { type LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { ProbeClient } from '../http/client.js';
import { type BackupSource, planBackup } from '../state/backup-plan.js';
import { createBackup } from '../state/backups.js';
import { pruneBackups } from '../state/backup-store.js';
import { pointsAtOf } from '../state/points-at.js';
import { referencedBackups } from '../state/protect.js';
import { loadRampState } from '../state/ramp.js';
import type { RampOptions } from './options.js';

// The checks before a ramp touches anything. Each throws a MigrateError (exit 1 or 2) and
// changes nothing, so a failed preflight leaves the environment as it was.

/** `requires: canary`: production may not start before canary's ramp completed. */
export async function checkRequires(stateDir: string, environment: string, envConfig: EnvironmentConfig): Promise<string | undefined> {
  if (!envConfig.requires) return undefined;
  const other = await loadRampState(stateDir, envConfig.requires).catch(() => undefined);
  if (other?.status === 'completed') return `${envConfig.requires} completed its ramp at ${other.endedAt ?? other.updatedAt}`;
  const now = other ? `its ramp is ${other.status}${other.stages[other.current] ? ` at stage ${other.stages[other.current]!.weight}%` : ''}` : 'it has not been ramped';
  throw new UsageError(`environment ${environment} requires ${envConfig.requires} to have completed its ramp first, and ${now}`, {
    hint: `run \`migrate ramp --env ${envConfig.requires}\` (see \`migrate status --env ${envConfig.requires}\`)`,
  });
}

/** Production asks a person (and without a terminal needs --yes): `ramp.confirm` or the environment's name. */
export function needsConfirmation(environment: string, envConfig: EnvironmentConfig): boolean {
  return envConfig.confirm ?? /^(production|prod)$/i.test(environment);
}

/** A short connectivity check of the target (all its nodes); the ramp stops here if it fails. */
export async function checkTarget(loaded: LoadedConfig, opts: Pick<RampOptions, 'processEnv'> & Partial<Pick<RampOptions, 'signal'>> & { samples?: number }): Promise<string> {
  const { config } = loaded;
  const reports = await runCheck(config, {
    roles: ['target'],
    samples: opts.samples ?? 2,
    maxP95Ms: config.check.maxP95Ms,
    maxErrors: config.check.maxErrors,
    processEnv: opts.processEnv,
    signal: opts.signal,
  });
  const failed = reports.filter((r) => r.verdict === 'fail');
  if (failed.length > 0) {
    throw new UnhealthyError(`the target provider failed its connectivity check: nothing was changed`, {
      details: failed.flatMap(problemLines),
      hint: 'run `migrate check --provider target` for the full report',
    });
  }
  return `target reachable: ${reports.map((r) => `${r.node} p95 ${Math.round(r.samples.latency.totalMs?.p95 ?? 0)}ms`).join(', ')}`;
}

function problemLines(r: EndpointReport): string[] {
  const fails = r.problems.filter((p) => p.severity === 'fail');
  return (fails.length ? fails : r.problems).map((p) => `${r.node} (${r.baseUrl}): ${p.message}`);
}

/** The validation suite on both providers (config validate.suites, else the built-in one). */
export async function validateProviders(loaded: LoadedConfig, opts: Pick<RampOptions, 'cwd' | 'processEnv' | 'version' | 'signal'>, stateDir?: string): Promise<string> {
  // Only a ramp asked to validate (--validate or ramp.validate) needs the suite machinery: keep it off every other ramp's start-up.
  const [{ buildReport }, { rpmOf, runValidation }, { configuredSuiteFiles, loadSuites }, { keepLastValidation }] = await Promise.all([
    import('../validate/report.js'),
    import('../validate/run.js'),
    import('../validate/suite.js'),
    import('../validate/last.js'),
  ]);
  const { config } = loaded;
  const suites = await loadSuites(configuredSuiteFiles(loaded), opts.cwd);
  const providers = { legacy: config.providers.legacy, target: config.providers.target };
  const client = new ProbeClient({ processEnv: opts.processEnv });
  const startedAt = new Date();
  const result = await runValidation({
    runs: suites.flatMap((s) => s.runs),
    providers,
    defaultModel: config.models[0]!,
    concurrency: config.validate.concurrency,
    rpm: rpmOf(config),
    totalTimeoutMs: config.validate.timeout,
    signal: opts.signal,
    client,
    probes: config.validate.probes,
  }).finally(() => client.close());
  const report = new Redactor(loaded.secrets).value(
    buildReport({ result, suites, providers, version: opts.version, startedAt, minPassRate: config.validate.minPassRate, dailyRequests: config.validate.dailyRequests }),
  );
  // Kept for `migrate report`, passed or not; a state dir that refuses it must not stop the ramp.
  if (stateDir) await keepLastValidation(stateDir, report).catch(() => undefined);
  if (!report.ok) {
    throw new UnhealthyError('the validation suite failed on target: nothing was changed', {
      details: report.reasons,
      hint: 'run `migrate validate` for the full report',
    });
  }
  return `validation passed: ${report.summary.cases} cases`;
}

/** The backup a failed ramp rolls back to, taken before the first write. */
export async function takeBackup(
  loaded: LoadedConfig,
  stateDir: string,
  environment: string,
  envConfig: EnvironmentConfig,
  version: string,
  processEnv: NodeJS.ProcessEnv,
): Promise<string> {
  const sources: BackupSource[] = envConfig.envFiles.map((file) => ({ path: file, absolute: resolveConfigPath(loaded, file) }));
  const planned = await planBackup(sources, (file) => pointsAtOf(file.content, loaded.config.providers));
  const backup = await createBackup({ stateDir, environment, files: sources, planned, message: 'before migrate ramp', toolVersion: version, processEnv });
  const protect = [...(await referencedBackups(stateDir, environment)), backup.id];
  await pruneBackups(stateDir, environment, loaded.config.backup.keep, { protect });
  return backup.id;
}
