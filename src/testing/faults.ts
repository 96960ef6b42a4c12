// Decides, once per request as it arrives, which faults hit it. Deciding everything up front
// makes counting simple: every active fault whose paths match counts the request, whether or
// not an earlier fault (a hang, a reset) ends up answering it.
import { normalSample, seededRandom, type Random } from './random.js';
import { parseFaultsPatch, type FaultName, type Faults, type FaultsPatch, type SelectorSpec } from './faults-schema.js';

export const CHAT_PATH = '/v1/chat/completions';
const DEFAULT_SEED = 1;

export interface Decision {
  /** The faults that hit this request. */
  hits: Set<FaultName>;
  /** Delay before answering (0 when no latency fault hit). */
  latencyMs: number;
  chunkDelayMs: number;
  /** The faults in force when the request arrived (their parameters). */
  faults: Faults;
}

export class FaultState {
  private current: Faults = {};
  private seen = new Map<FaultName, number>();
  private random: Random;

  constructor(initial: Faults | undefined) {
    this.random = seededRandom(initial?.seed ?? DEFAULT_SEED);
    if (initial) this.set(initial);
  }

  get faults(): Faults {
    return structuredClone(this.current);
  }

  /** Merges a patch; each fault named in it starts counting afresh. */
  set(patch: FaultsPatch): void {
    const parsed = parseFaultsPatch(patch);
    const next: Record<string, unknown> = { ...this.current };
    for (const [key, value] of Object.entries(parsed)) {
      if (value === null) delete next[key];
      else next[key] = value;
      this.seen.delete(key as FaultName);
    }
    this.current = next;
    if (parsed.seed !== undefined && parsed.seed !== null) this.random = seededRandom(parsed.seed);
  }

  reset(): void {
    this.current = {};
    this.seen.clear();
    this.random = seededRandom(DEFAULT_SEED);
  }

  decide(path: string): Decision {
    const faults = this.current;
    const hits = new Set<FaultName>();
    for (const name of Object.keys(faults) as Array<keyof Faults>) {
      if (name === 'seed' || name === 'rejectMaxCompletionTokens') continue;
      const spec = faults[name];
      if (spec === undefined || spec === false) continue;
      const selector: SelectorSpec = typeof spec === 'object' ? spec : {};
      if (this.selects(name, selector, path)) hits.add(name);
    }
    const latency = hits.has('latency') ? this.latency(faults.latency!) : { latencyMs: 0, chunkDelayMs: 0 };
    return { hits, faults, ...latency };
  }

  private selects(name: FaultName, selector: SelectorSpec, path: string): boolean {
    const paths = selector.paths ?? [CHAT_PATH];
    if (!paths.includes('*') && !paths.includes(path)) return false;
    const n = (this.seen.get(name) ?? 0) + 1;
    this.seen.set(name, n);
    if (selector.afterN !== undefined && n <= selector.afterN) return false;
    if (selector.firstN !== undefined && n > selector.firstN) return false;
    return selector.rate === undefined || this.random() < selector.rate;
  }

  private latency(spec: NonNullable<Faults['latency']>): { latencyMs: number; chunkDelayMs: number } {
    if (typeof spec === 'number') return { latencyMs: spec, chunkDelayMs: 0 };
    const chunkDelayMs = spec.chunkDelayMs ?? 0;
    if (spec.min !== undefined || spec.max !== undefined) {
      const min = spec.min ?? 0;
      const max = Math.max(spec.max ?? min, min);
      return { latencyMs: min + this.random() * (max - min), chunkDelayMs };
    }
    if (spec.mean !== undefined) {
      return { latencyMs: Math.max(0, normalSample(this.random, spec.mean, spec.stddev ?? 0)), chunkDelayMs };
    }
    return { latencyMs: spec.ms ?? 0, chunkDelayMs };
  }
}
