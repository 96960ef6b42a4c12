import type { ContainerFact } from '../appview/judge.js';
import type { ProviderRole } from '../config/schema.js';
import type { Action } from '../gates/controller.js';
import type { Check, Outcome } from '../gates/types.js';
import type { RampStatus } from '../state/ramp.js';
import type { NodeOrder } from '../traffic/node-order.js';

// What a ramp reports as it goes. With --json each event is one line of JSON on stdout (NDJSON);
// the stage-change webhook receives the same objects. Every event carries `event`, `time` (ISO)
// and `environment`. Stage numbers are 1-based, as people count them.

export type RampEvent =
  | (Base & {
      event: 'start';
      resumed: boolean;
      stages: number[];
      /** Stage 1 is a shadow stage copying this percent of requests to target. */
      shadow?: number;
      soakMs: number;
      intervalMs: number;
      driver: string;
      backupId?: string;
      /** 1-based stage the ramp starts (or resumes) at. */
      fromStage: number;
      dryRun: boolean;
      /** What the stages below 100 % really move (env driver: often nothing until the cut-over). */
      note?: string;
    })
  | (Base & {
      event: 'plan';
      /** --dry-run: what the ramp would do, step by step; nothing was changed. */
      preflight: string[];
      stages: Array<{ stage: number; weight: number; mirror?: number; soakMs: number; intervalMs: number; steps: string[] }>;
      /** What a shadow stage costs and where it must not be used. */
      shadow?: string;
      /** Stages × soak: the least the ramp can take, before apply and restart times. */
      minDurationMs: number;
      /** `each stage: soak 60s × 2 rps = 120 probe requests ≥ minSamples 20`: why the gates can decide. */
      samples: string;
      note?: string;
    })
  | (Base & { event: 'preflight'; step: 'requires' | 'check' | 'validate' | 'backup' | 'final-check'; ok: boolean; detail: string })
  | (Base & {
      event: 'stage';
      stage: number;
      of: number;
      weight: number;
      /** A shadow stage: the percent of requests copied to target (weight is 0). */
      mirror?: number;
      /** applying: the driver is writing it · soaking: applied, gates watching · passed: the soak passed. */
      status: 'applying' | 'soaking' | 'passed';
      /** What the driver reports having applied (soaking only). */
      appliedWeight?: number;
      /** Soaking: the weight reaches none of the app's containers (env driver), so its traffic is still on legacy. */
      unseen?: boolean;
      /** Soaking, nginx with failover: each provider's nodes as listed (primary first) and their measured p50. */
      nodeOrder?: NodeOrder;
    })
  | (Base & {
      event: 'containers';
      stage: number;
      weight: number;
      /** Every container holds what the step meant, and each distinct pair answered. */
      ok: boolean;
      step: string;
      expected?: ProviderRole;
      /** Per container: variables, the provider they name, the probe. URLs, never a key. */
      containers: ContainerFact[];
      /** Services of the environment with no container at all. */
      missing?: string[];
      /** Why nothing was checked (no compose section). */
      skipped?: string;
    })
  | (Base & { event: 'decision'; stage: number; weight: number; outcome: Outcome; action: Action; line: string; checks: Check[] })
  | (Base & { event: 'rollback'; status: 'started' | 'done' | 'failed'; reason: string; detail?: string })
  /** A question to the operator (at a terminal) is open or was answered: the ramp waits on a person. */
  | (Base & { event: 'question'; status: 'open' | 'answered'; message: string })
  | (Base & { event: 'end'; status: RampStatus; reason?: string; exitCode: number; durationMs: number });

interface Base {
  time: string;
  environment: string;
}

export type RampEventInput = RampEvent extends infer E ? (E extends RampEvent ? Omit<E, 'time' | 'environment'> : never) : never;

/** Events the webhook is told about: stage changes, rollbacks and the end, not every decision. */
export function isNotifiable(e: RampEvent): boolean {
  return e.event === 'stage' || e.event === 'rollback' || e.event === 'end';
}
