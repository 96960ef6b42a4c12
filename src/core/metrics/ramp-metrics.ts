import type { RampEvent } from '../ramp/events.js';

// The ramp's own progress as Prometheus metrics (`ramp --metrics-port`). The names are a
// contract: the alert rules and the dashboard `migrate monitoring` writes query them.
// Values follow the ramp's events, so what is scraped is what the journal said.

interface Series {
  help: string;
  type: 'gauge' | 'counter';
  /** label text (`gate="probes",outcome="pass"`) → value */
  values: Map<string, number>;
}

export class RampMetrics {
  private readonly series = new Map<string, Series>();
  /** migrate_ramp_info's labels, kept so the end event changes only the status. */
  private infoLabels: Record<string, string> = {};

  constructor(private readonly environment: string) {
    this.define('migrate_ramp_stage', 'gauge', 'stage of the ramp in progress, 1-based (0 before the first)');
    this.define('migrate_ramp_weight_percent', 'gauge', 'percent of traffic the traffic driver last applied to target');
    this.define('migrate_ramp_paused', 'gauge', "1 while the ramp waits on an operator's answer, or stopped paused (resume with migrate ramp --resume)");
    this.define('migrate_gate_outcomes_total', 'counter', 'gate readings by gate source and outcome (pass, fail, inconclusive, error)');
    this.define('migrate_rollbacks_total', 'counter', 'rollbacks the ramp started');
    this.define('migrate_ramp_info', 'gauge', 'always 1; labels say the driver, the status and the stages');
    this.set('migrate_ramp_stage', {}, 0);
    this.set('migrate_ramp_weight_percent', {}, 0);
    this.set('migrate_ramp_paused', {}, 0);
    this.set('migrate_rollbacks_total', {}, 0);
  }

  /** Fold one ramp event into the metrics. */
  observe(e: RampEvent): void {
    switch (e.event) {
      case 'start':
        this.info({ driver: e.driver, status: 'running', stages: e.stages.join(',') });
        this.set('migrate_ramp_stage', {}, e.fromStage - 1);
        return;
      case 'stage':
        this.set('migrate_ramp_stage', {}, e.stage);
        if (e.appliedWeight !== undefined) this.set('migrate_ramp_weight_percent', {}, e.appliedWeight);
        return;
      case 'decision':
        for (const check of e.checks) this.add('migrate_gate_outcomes_total', { gate: check.source, outcome: check.outcome });
        return;
      case 'rollback':
        if (e.status === 'started') this.add('migrate_rollbacks_total', {});
        if (e.status === 'done') this.set('migrate_ramp_weight_percent', {}, 0);
        return;
      case 'question':
        // The ramp waits on a person (a terminal's pause/rollback/continue question).
        this.set('migrate_ramp_paused', {}, e.status === 'open' ? 1 : 0);
        return;
      case 'end':
        this.set('migrate_ramp_paused', {}, e.status === 'paused' ? 1 : 0);
        this.info({ ...this.infoLabels, status: e.status });
        return;
      default:
        return;
    }
  }

  /** The Prometheus text exposition format, version 0.0.4. */
  render(): string {
    const lines: string[] = [];
    for (const [name, s] of this.series) {
      if (s.values.size === 0) continue;
      lines.push(`# HELP ${name} ${s.help}`, `# TYPE ${name} ${s.type}`);
      for (const [labels, value] of s.values) lines.push(`${name}{${labels}} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }

  private info(labels: Record<string, string>): void {
    this.series.get('migrate_ramp_info')!.values.clear();
    this.infoLabels = labels;
    this.set('migrate_ramp_info', labels, 1);
  }

  private define(name: string, type: Series['type'], help: string): void {
    this.series.set(name, { help, type, values: new Map() });
  }

  private set(name: string, labels: Record<string, string>, value: number): void {
    this.series.get(name)!.values.set(this.labelText(labels), value);
  }

  private add(name: string, labels: Record<string, string>): void {
    const key = this.labelText(labels);
    const values = this.series.get(name)!.values;
    values.set(key, (values.get(key) ?? 0) + 1);
  }

  private labelText(labels: Record<string, string>): string {
    return Object.entries({ environment: this.environment, ...labels })
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
  }
}

/** Label values escape backslash, double quote and newline (the exposition format's rule). */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
