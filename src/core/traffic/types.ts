import type { Command, Runner } from '../exec/command.js';
import type { NodeOrder } from './node-order.js';

// A traffic driver turns "send N % of traffic to target" into file writes and commands. Plans
// are data (for --dry-run and exact tests); applying executes the plan and reports the weight
// that actually took effect.

/** Write a whole file atomically. `content` may hold secrets: print `summary`, never `content`. */
export interface FileStep {
  kind: 'file';
  file: string;
  content: string;
  /** Mode for a new file; an existing file keeps its own. */
  mode: number;
  description: string;
  /** Printable lines about the change, secrets redacted (`set LLM_TARGET_WEIGHT=20`). */
  summary: string[];
  /** Write into the existing file, keeping its inode: nginx may read it through a single-file bind mount. */
  inPlace?: boolean;
  /**
   * The file holds keys after this write. `own`: migrate's file (the nginx include), made 0600
   * when looser. `app`: the app's env file, which keeps its mode; a warning says to tighten it.
   */
  secret?: 'own' | 'app';
}

export interface CommandStep {
  kind: 'command';
  command: Command;
}

export type Step = FileStep | CommandStep;

export interface ApplyOptions {
  run: Runner;
  dryRun?: boolean;
  /** Told about each write skipped under --dry-run. */
  onDryRun?: (message: string) => void;
  /** Told about a file holding keys that others may read (or that was tightened). */
  onWarning?: (message: string) => void;
  /** Shadow: percent of requests, served by legacy, also sent to target (the nginx driver only). */
  mirror?: number;
}

export interface Applied {
  /** The weight traffic is under now, as read back from what the driver wrote or was told. */
  appliedWeight: number;
  /** nginx: each provider's nodes in the order the include lists them, with the p50 that chose it. */
  nodeOrder?: NodeOrder;
}

export interface TrafficDriver {
  readonly name: 'env' | 'nginx' | 'command';
  /** The writes and commands `apply(weight)` would do. Reads happen (current files); nothing is written. */
  plan(weight: number, mirror?: number): Promise<Step[]>;
  apply(weight: number, opts: ApplyOptions): Promise<Applied>;
  /** All traffic back on legacy (weight 0) by the driver's own means. */
  reset(opts: ApplyOptions): Promise<Applied>;
  /** The weight in effect now as far as the driver can read it; undefined when it cannot tell. */
  current(): Promise<number | undefined>;
}
