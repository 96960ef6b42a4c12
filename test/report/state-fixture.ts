// A recorded ramp for report tests that need no live ramp: the state file as `migrate ramp` writes it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { project } from '../ramp/helpers.js';

export const KEYS = { legacy: 'legacy-key-never-used-0000', target: 'target-key-never-used-0000' };

const CONFIG = `version: 1
providers:
  legacy: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "${KEYS.legacy}" }
  target: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "${KEYS.target}" }
models: [gpt-4.1]
environments:
  canary: { envFiles: [.env.canary] }
`;

/** A project whose .migrate/ holds `state` as canary's last ramp (no provider is ever reached). */
export function recordedProject(state: object): string {
  const dir = project({ 'migrate.yaml': CONFIG, '.env.canary': 'OPENAI_BASE_URL=http://127.0.0.1:9/v1\n' });
  mkdirSync(path.join(dir, '.migrate/state'), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, '.migrate/state/canary.json'), JSON.stringify(state), { mode: 0o600 });
  return dir;
}

/** A ramp of 3 stages as the ramp records it: two passed, the third failed and rolled back; 8 decisions. */
export function rampState(line = (weight: number, rate: string, action: string) => `stage ${weight}%: error rate ${rate}% <= 1.0% → ${action}`): {
  state: object;
  decisions: number;
} {
  const t0 = Date.parse('2026-03-01T03:00:00.000Z');
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const figures = (requests: number, errors: number, p95Ms: number) => ({ requests, errors, p95Ms });
  const gates = [];
  const stages = [
    { weight: 5, start: 0, end: 60, status: 'passed' },
    { weight: 20, start: 61, end: 121, status: 'passed' },
    { weight: 50, start: 122, end: 165, status: 'failed' },
  ];
  for (const [i, s] of stages.entries()) {
    const n = i === 2 ? 2 : 3;
    for (let k = 1; k <= n; k++) {
      const failing = i === 2 && k === n;
      const outcome = failing ? 'fail' : k === 1 ? 'inconclusive' : 'pass';
      const action = failing ? 'rollback' : k === n ? 'advance' : 'continue';
      const target = figures(20 * (i + 1) * k, failing ? 9 : 0, failing ? 2400 : 380 + 40 * k);
      gates.push({
        at: at(s.start + k * 19),
        stage: i,
        weight: s.weight,
        outcome,
        action,
        line: line(s.weight, ((target.errors / target.requests) * 100).toFixed(1), action),
        checks: [{ source: 'probes', outcome, reason: 'r', target, legacy: figures(60, 0, 300 + 10 * k) }],
      });
    }
  }
  const state = {
    version: 1,
    environment: 'canary',
    status: 'rolled-back',
    stages: [...stages.map((s) => ({ weight: s.weight, status: s.status, startedAt: at(s.start), endedAt: at(s.end) })), { weight: 100, status: 'pending' }],
    current: 2,
    appliedWeight: 0,
    driver: 'nginx',
    startedAt: at(0),
    updatedAt: at(165),
    endedAt: at(165),
    reason: 'stage 50%: error rate 15.0% > 1.0% over 60 requests → rolling back',
    gates,
  };
  return { state, decisions: gates.length };
}
