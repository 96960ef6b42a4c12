// The metrics a ramp's events turn into: rollbacks and a pause, which the end-to-end scrape
// cannot catch before the server closes with the ramp.
import { describe, expect, it } from 'vitest';
import { RampMetrics } from '../../src/core/metrics/ramp-metrics.js';
import type { RampEvent } from '../../src/core/ramp/events.js';

const base = { time: '2026-01-01T00:00:00.000Z', environment: 'prod "eu"' };

describe('RampMetrics', () => {
  it('counts rollbacks, marks a pause and escapes label values', () => {
    const m = new RampMetrics('prod "eu"');
    const events: RampEvent[] = [
      { ...base, event: 'start', resumed: false, stages: [5, 100], soakMs: 1, intervalMs: 1, driver: 'nginx', fromStage: 1, dryRun: false },
      { ...base, event: 'stage', stage: 1, of: 2, weight: 5, status: 'soaking', appliedWeight: 5 },
      {
        ...base,
        event: 'decision',
        stage: 1,
        weight: 5,
        outcome: 'fail',
        action: 'rollback',
        line: 'x',
        checks: [
          { source: 'gateway', outcome: 'fail', reason: 'r' },
          { source: 'probes', outcome: 'pass', reason: 'r' },
        ],
      },
      { ...base, event: 'rollback', status: 'started', reason: 'x' },
      { ...base, event: 'rollback', status: 'done', reason: 'x' },
      { ...base, event: 'end', status: 'paused', exitCode: 1, durationMs: 1 },
    ];
    for (const e of events) m.observe(e);
    const text = m.render();
    const env = 'environment="prod \\"eu\\""';
    expect(text).toContain(`migrate_rollbacks_total{${env}} 1\n`);
    expect(text).toContain(`migrate_ramp_weight_percent{${env}} 0\n`);
    expect(text).toContain(`migrate_ramp_paused{${env}} 1\n`);
    expect(text).toContain(`migrate_gate_outcomes_total{${env},gate="gateway",outcome="fail"} 1\n`);
    expect(text).toContain(`migrate_gate_outcomes_total{${env},gate="probes",outcome="pass"} 1\n`);
    expect(text).toContain(`migrate_ramp_info{${env},driver="nginx",status="paused",stages="5,100"} 1\n`);
    expect(text).toContain('# TYPE migrate_rollbacks_total counter\n');
    expect(text).toContain('# TYPE migrate_ramp_stage gauge\n');
  });
});
