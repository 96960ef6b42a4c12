import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { resolveConfigPath } from '../config/environment.js';
import { effectiveRamp } from '../config/ramp.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { UsageError } from '../../errors.js';
import { gatewayLayout } from '../gateway/layout.js';
import { Redactor } from '../redact.js';
import { composeVersion } from '../gateway/plan.js';
import { renderAlertRules } from './alerts.js';
import { keyFiles, renderBlackbox } from './blackbox.js';
import { blackboxArgs, mtailArgs, renderMonitoringOverride, BLACKBOX_BIN, MTAIL_BIN } from './compose.js';
import { renderDashboard } from './dashboard.js';
import { renderMtail } from './mtail.js';
import { renderNodeTargets, renderPrometheusConfig, type Ports } from './prometheus-config.js';
import { renderRecordingRules } from './rules.js';

// Every file `migrate monitoring` writes, as data. Pure but for reading the base compose file's
// `version:` (Compose v1 refuses an override of another version).

export interface MonitoringFile {
  file: string;
  mode: number;
  content: string;
  /** Holds a key: written 0600, printed redacted. */
  secret?: boolean;
}

export interface MonitoringPlan {
  environment: string;
  dir: string;
  accessLog: string;
  files: MonitoringFile[];
  /** The same two programs on the host, without compose. */
  hostCommands: string[][];
  notes: string[];
}

export const DEFAULT_PORTS: Ports = { mtail: 3903, blackbox: 9115, ramp: 9477 };
export const DEFAULT_IMAGE = 'debian:bookworm-slim';

export interface PlanInput {
  loaded: LoadedConfig;
  environment: string;
  envConfig: EnvironmentConfig;
  /** --out, absolute; default `monitoring/<environment>` beside migrate.yaml. */
  out?: string;
  ports?: Partial<Ports>;
  image?: string;
}

export async function planMonitoring(input: PlanInput): Promise<MonitoringPlan> {
  const { loaded, environment, envConfig } = input;
  const config = loaded.config;
  const dir = input.out ?? path.join(loaded.dir, 'monitoring', environment);
  const ports = { ...DEFAULT_PORTS, ...input.ports };
  const notes: string[] = [];
  const accessLog = accessLogOf(loaded, environment, envConfig, notes);
  const p = {
    mtail: path.join(dir, 'mtail'),
    blackbox: path.join(dir, 'blackbox'),
    prometheus: path.join(dir, 'prometheus'),
  };
  const keys = keyFiles(config, p.blackbox);
  const blackboxConfig = path.join(p.blackbox, 'blackbox.yml');
  const promFiles = { rules: path.join(p.prometheus, 'rules.yml'), alerts: path.join(p.prometheus, 'alerts.yml'), nodes: path.join(p.prometheus, 'nodes.json') };
  const composeFile = envConfig.compose?.files[0];
  const override = {
    environment,
    image: input.image ?? DEFAULT_IMAGE,
    dir,
    logsDir: path.dirname(accessLog),
    mtailProgs: p.mtail,
    accessLog,
    blackboxConfig,
    ports,
    version: composeFile ? await composeVersion(resolveConfigPath(loaded, composeFile)) : undefined,
  };
  const files: MonitoringFile[] = [
    { file: path.join(p.mtail, 'gateway.mtail'), mode: 0o644, content: renderMtail(environment) },
    // Headers configured for a provider may be secret too: the module file is private as well.
    { file: blackboxConfig, mode: 0o600, content: renderBlackbox(config, environment, keys), secret: true },
    ...keys.map((k) => ({ file: k.file, mode: 0o600, content: `${k.apiKey}\n`, secret: true })),
    { file: path.join(p.blackbox, '.gitignore'), mode: 0o644, content: '# Written by `migrate monitoring`: these files hold API keys.\n*\n' },
    { file: path.join(p.prometheus, 'prometheus.yml'), mode: 0o644, content: renderPrometheusConfig(environment, ports, promFiles) },
    { file: promFiles.nodes, mode: 0o644, content: renderNodeTargets(config, environment) },
    { file: promFiles.rules, mode: 0o644, content: renderRecordingRules(environment) },
    { file: promFiles.alerts, mode: 0o644, content: renderAlertRules(environment, effectiveRamp(config, envConfig).gates) },
    { file: path.join(dir, 'grafana', 'dashboard.json'), mode: 0o644, content: renderDashboard(environment) },
    { file: path.join(dir, 'compose.monitoring.yaml'), mode: 0o644, content: renderMonitoringOverride(override) },
  ];
  const hostCommands = [
    [MTAIL_BIN, ...mtailArgs(override)],
    [BLACKBOX_BIN, ...blackboxArgs(override)],
  ];
  refuseLeaks(files, loaded);
  return { environment, dir, accessLog, files, hostCommands, notes };
}

/**
 * A key belongs in the key files only. One elsewhere (a base URL with credentials in it, probed
 * by URL) would land in Prometheus' config: refuse before anything is written.
 */
function refuseLeaks(files: MonitoringFile[], loaded: LoadedConfig): void {
  const redactor = new Redactor(loaded.secrets);
  const leak = files.find((f) => !f.secret && redactor.text(f.content) !== f.content);
  if (leak) {
    throw new UsageError(`${path.basename(leak.file)} would hold a secret from ${loaded.name} (a provider or node baseUrl with a key or password in it?); nothing was written`, {
      hint: 'put credentials in providers.<role>.apiKey or headers, not in baseUrl',
    });
  }
}

/** The nginx driver's access log; without one, where `migrate gateway setup` puts it. */
function accessLogOf(loaded: LoadedConfig, environment: string, envConfig: EnvironmentConfig, notes: string[]): string {
  const traffic = envConfig.traffic;
  if (traffic?.driver === 'nginx' && traffic.accessLog) return resolveConfigPath(loaded, traffic.accessLog);
  const log = gatewayLayout(loaded.dir, environment).accessLog;
  notes.push(`environments.${environment}.traffic has no accessLog: mtail reads ${log}, where \`migrate gateway setup --env ${environment}\` puts it`);
  return log;
}
