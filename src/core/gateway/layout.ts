import path from 'node:path';

// Where the gateway's files live. Beside migrate.yaml, not in the state directory: compose
// mounts them, and the conf directory is mounted whole (not file by file) so that files
// replaced by rename are seen by the container, and nginx's own log files can be created.

/** The compose service `gateway setup` adds; the traffic driver's `service`. */
export const GATEWAY_SERVICE = 'llm-gateway';
/** The compose override file, beside migrate.yaml, added to the environment's compose.files. */
export const OVERRIDE_FILE = 'compose.migrate.yaml';
/** Where the container sees the conf directory and the log directory. */
export const CONF_IN_CONTAINER = '/etc/nginx/migrate';
export const LOGS_IN_CONTAINER = '/var/log/migrate';

export interface GatewayLayout {
  /** `llm-gateway/<environment>` beside migrate.yaml. */
  dir: string;
  /** Mounted read-only: nginx.conf and the include (both 0600: the include holds the keys). */
  confDir: string;
  nginxConf: string;
  include: string;
  /** Mounted read-write: access.json. */
  logsDir: string;
  accessLog: string;
  override: string;
}

export function gatewayLayout(configDir: string, environment: string): GatewayLayout {
  const dir = path.join(configDir, GATEWAY_SERVICE, environment);
  const confDir = path.join(dir, 'conf');
  const logsDir = path.join(dir, 'logs');
  return {
    dir,
    confDir,
    nginxConf: path.join(confDir, 'nginx.conf'),
    include: path.join(confDir, 'llm-split.conf'),
    logsDir,
    accessLog: path.join(logsDir, 'access.json'),
    override: path.join(configDir, OVERRIDE_FILE),
  };
}

/** `nginx -c …` inside the container: the driver's `args` for -t, -s reload and -T. */
export const NGINX_ARGS = ['-c', `${CONF_IN_CONTAINER}/nginx.conf`];
