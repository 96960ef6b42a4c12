import type { ProviderRole } from '../config/schema.js';
import type { Summary } from '../stats.js';
import type { Reachability } from './reach.js';

export type StepStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Step {
  status: StepStatus;
  message?: string;
  hint?: string;
  ms?: number;
  /** What went wrong in the attempts before the final one, when the client retried. */
  retries?: string[];
}

export interface Problem {
  check: string;
  severity: 'warn' | 'fail';
  message: string;
  hint?: string;
}

export interface LatencySummary {
  ttfbMs?: Summary;
  ttftMs?: Summary;
  totalMs?: Summary;
}

export interface EndpointReport {
  role: ProviderRole;
  node: string;
  region?: string;
  baseUrl: string;
  reach: Reachability;
  models: Step & { missing?: string[]; served?: number };
  /** `model` is the app's name; `providerModel` what was sent when providers.<role>.models maps it. */
  chat: Step & { tokenParam?: string; model?: string; providerModel?: string };
  stream: Step & { ttftMs?: number; chunks?: number; usage?: boolean; done?: boolean };
  /** `sent` is below `requested` when sampling stopped early because errors exceeded the limit. */
  samples: { requested: number; sent: number; errors: number; latency: LatencySummary };
  verdict: 'pass' | 'warn' | 'fail';
  problems: Problem[];
}
