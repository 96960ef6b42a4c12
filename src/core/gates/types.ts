// What gate sources report and what the gates conclude. Pure data: no I/O here.

/** One provider's figures for the measured window. */
export interface Figures {
  /** Requests seen; undefined when the source does not count them (Prometheus without a samples query). */
  requests?: number;
  errors?: number;
  /** When the source measures the ratio itself (Prometheus); otherwise errors / requests. */
  errorRate?: number;
  p95Ms?: number;
  /** 401/403 answers: a bad key never heals by waiting, so one fails the stage at once. */
  authFailures?: number;
  /** Real traffic (the gateway's log): the errors by kind, more percentiles, TTFB and per node. */
  errorKinds?: { server: number; rateLimited: number; connect: number; timeout: number };
  p50Ms?: number;
  /** Only with at least 100 samples: fewer cannot tell a p99 from the maximum. */
  p99Ms?: number;
  ttfbP50Ms?: number;
  ttfbP95Ms?: number;
  /** Per node: tries, failed tries, and those that went on to the next node (failovers). */
  nodes?: Record<string, { requests: number; errors: number; failovers?: number }>;
}

/** Per-request latencies (ms) behind a measurement, for the rank test; never stored. */
export interface LatencySamples {
  target: number[];
  legacy?: number[];
}

export type Verdict = 'pass' | 'fail' | 'inconclusive';
export type Outcome = Verdict | 'error';

/** What one source said for one interval. */
export type Reading =
  | {
      source: string;
      kind: 'measurement';
      target: Figures;
      legacy?: Figures;
      samples?: LatencySamples;
      /** Per-request counts: judge the error rate with the binomial and Fisher tests (the gateway). */
      countedErrors?: boolean;
      /** Names the source in the decision line, e.g. "real traffic". */
      label?: string;
    }
  | { source: string; kind: 'verdict'; verdict: Verdict; detail?: string }
  | { source: string; kind: 'error'; message: string };

/** One source's reading judged against the thresholds. */
export interface Check {
  source: string;
  outcome: Outcome;
  /** One line without the stage prefix or the action, e.g. "error rate 4.1% > 1.0% over 212 requests". */
  reason: string;
  /** The figures behind the outcome, for the state file, the audit log and `migrate status`. */
  target?: Figures;
  legacy?: Figures;
  /** The statistical tests' figures, for the state file and --json. */
  tests?: { errors?: { binomialP?: number; fisherP?: number }; latency?: { u: number; p: number; n1: number; n2: number; statistic: string; ratio: number } };
  /** Always prefixed to the reason in the decision line (e.g. "real traffic"). */
  label?: string;
}

export interface Thresholds {
  maxErrorRate: number;
  maxP95Ms: number;
  maxP95Ratio: number;
  /** Below this difference a p95 ratio is noise: the ratio gate fails only when target is also this much slower. */
  p95RatioFloorMs: number;
  minSamples: number;
  /** The tests' false-alarm rate (gates.alpha); 0.01 when unset. */
  alpha?: number;
}

/** The window a reading covers, handed to every source. */
export interface WindowSpec {
  /** The environment's name. */
  environment: string;
  stageIndex: number;
  weight: number;
  /** Epoch ms. */
  from: number;
  to: number;
  signal?: AbortSignal;
}

/** A gate source: reads one interval's health. Must not throw; failures are `kind: 'error'` readings. */
export interface GateSource {
  readonly name: string;
  read(window: WindowSpec): Promise<Reading>;
  /** Stop background work (probes). */
  close?(): Promise<void>;
}
