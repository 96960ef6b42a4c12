import { stringify } from 'yaml';
import type { Ports } from './prometheus-config.js';

// The compose override that runs mtail and blackbox_exporter beside the gateway. There is no
// official mtail image, so both run the host's Debian binaries (mounted read-only) in an image
// with glibc (`--image`, default debian:bookworm-slim). The monitoring directory and the log
// directory are mounted at their host paths, so every path in the written files means the same
// file on the host and in the containers. On the host network, both listen on loopback only.

export interface OverrideInput {
  environment: string;
  image: string;
  dir: string;
  logsDir: string;
  mtailProgs: string;
  accessLog: string;
  blackboxConfig: string;
  ports: Pick<Ports, 'mtail' | 'blackbox'>;
  /** The base compose file's `version:`, if it has one. */
  version?: string;
}

export const MTAIL_BIN = '/usr/bin/mtail';
export const BLACKBOX_BIN = '/usr/bin/prometheus-blackbox-exporter';

export function mtailArgs(i: Pick<OverrideInput, 'mtailProgs' | 'accessLog' | 'ports'>): string[] {
  return ['--progs', i.mtailProgs, '--logs', logGlob(i.accessLog), '--address', '127.0.0.1', '--port', String(i.ports.mtail), '--logtostderr'];
}

/**
 * The log as a glob matching only itself (`access.jso[n]`): mtail looks for a plain path once, at
 * start-up, but polls a glob, so it finds the log when the gateway creates it after mtail starts.
 */
export function logGlob(file: string): string {
  const escaped = file.replace(/[*?[\\]/g, (c) => `\\${c}`);
  return `${escaped.slice(0, -1)}[${escaped.slice(-1)}]`;
}

export function blackboxArgs(i: Pick<OverrideInput, 'blackboxConfig' | 'ports'>): string[] {
  return [`--config.file=${i.blackboxConfig}`, `--web.listen-address=127.0.0.1:${i.ports.blackbox}`];
}

export function renderMonitoringOverride(i: OverrideInput): string {
  const service = (bin: string, args: string[], volumes: string[]) => ({
    image: i.image,
    command: [bin, ...args],
    network_mode: 'host',
    volumes: [`${bin}:${bin}:ro`, ...volumes],
    restart: 'unless-stopped',
  });
  const doc = {
    ...(i.version ? { version: i.version } : {}),
    services: {
      'llm-gateway-mtail': service(MTAIL_BIN, mtailArgs(i), [`${i.dir}:${i.dir}:ro`, `${i.logsDir}:${i.logsDir}:ro`]),
      'llm-gateway-blackbox': service(BLACKBOX_BIN, blackboxArgs(i), [`${i.dir}:${i.dir}:ro`]),
    },
  };
  return [
    `# Written by \`migrate monitoring --env ${i.environment}\`: mtail and blackbox_exporter beside the gateway.`,
    `# docker-compose -f <your files> -f ${'compose.monitoring.yaml'} up -d llm-gateway-mtail llm-gateway-blackbox`,
    stringify(doc, { lineWidth: 0 }).trimEnd(),
    '',
  ].join('\n');
}
