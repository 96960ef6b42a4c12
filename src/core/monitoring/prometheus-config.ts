import { stringify } from 'yaml';
import type { Config } from '../config/schema.js';
import { JOBS } from './names.js';
import { moduleOf, probeTargets } from './nodes.js';

// prometheus.yml: scrapes mtail (the gateway's traffic), the blackbox exporter (each node's
// probe, relabelled so `instance` is the node's URL) and migrate's own ramp metrics. mtail and
// migrate label their series with the environment themselves (a target label would clash).
// No key in here: the exporter reads it from its own file.

export interface Ports {
  mtail: number;
  blackbox: number;
  /** `migrate ramp --metrics-port`. */
  ramp: number;
}

export interface PrometheusFiles {
  rules: string;
  alerts: string;
  /** file_sd targets of the probes. */
  nodes: string;
}

export function renderPrometheusConfig(environment: string, ports: Ports, files: PrometheusFiles): string {
  const doc = {
    global: { scrape_interval: '15s', evaluation_interval: '15s' },
    rule_files: [files.rules, files.alerts],
    scrape_configs: [
      { job_name: JOBS.gateway, static_configs: [{ targets: [`127.0.0.1:${ports.mtail}`] }] },
      {
        job_name: JOBS.nodes,
        metrics_path: '/probe',
        file_sd_configs: [{ files: [files.nodes] }],
        relabel_configs: [
          { source_labels: ['__param_target'], target_label: 'instance' },
          { target_label: '__address__', replacement: `127.0.0.1:${ports.blackbox}` },
        ],
      },
      { job_name: JOBS.ramp, static_configs: [{ targets: [`127.0.0.1:${ports.ramp}`] }] },
    ],
  };
  return `# Written by \`migrate monitoring --env ${environment}\`. Merge into your Prometheus, or run one with it.\n${stringify(doc, { lineWidth: 0 })}`;
}

/** file_sd JSON: one group per node, its URL and module as the probe's parameters. */
export function renderNodeTargets(config: Config, environment: string): string {
  const groups = probeTargets(config).map((t) => ({
    targets: [t.url],
    labels: { environment, provider: t.provider, node: t.node, __param_target: t.url, __param_module: moduleOf(config, t) },
  }));
  return `${JSON.stringify(groups, null, 2)}\n`;
}
