// One fake provider's state as the routes see it; on its own so routes.ts need not import fake-provider.ts, which imports it.
import type { FaultState } from './faults.js';
import type { Metrics } from './metrics.js';
import type { RequestLog } from './request-log.js';

export interface Provider {
  name: string;
  apiKey: string;
  models: readonly string[];
  faults: FaultState;
  log: RequestLog;
  metrics: Metrics;
  sequence: number;
}
