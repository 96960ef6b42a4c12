// The faults a fake provider can be told to inject. One schema serves the TypeScript API,
// the control endpoint (POST /_fake/faults) and the launcher's --faults flag, so a typo in
// any of them is an error instead of a silently healthy provider.
import { z } from 'zod';

/**
 * Which requests a fault hits. Counting starts when the fault is set: `afterN: 20` leaves
 * the next 20 matching requests alone, `firstN: 5` hits only the next 5. `rate` then picks
 * a seeded-random share of those. `paths` defaults to ['/v1/chat/completions']; '*' is all.
 */
const selector = {
  rate: z.number().min(0).max(1).optional(),
  firstN: z.number().int().min(0).optional(),
  afterN: z.number().int().min(0).optional(),
  paths: z.array(z.string()).optional(),
};
const Selector = z.strictObject(selector);

/** `true` means every matching request; an object narrows it and may carry parameters. */
function toggle<T extends z.ZodRawShape>(extra: T) {
  return z.union([z.boolean(), z.strictObject({ ...selector, ...extra })]);
}
const Switch = toggle({});

const Latency = z.union([
  z.number().min(0),
  z.strictObject({
    ...selector,
    /** Fixed delay, or uniform in [min, max], or normal(mean, stddev) clamped at 0. */
    ms: z.number().min(0).optional(),
    min: z.number().min(0).optional(),
    max: z.number().min(0).optional(),
    mean: z.number().min(0).optional(),
    stddev: z.number().min(0).optional(),
    /** Pause between stream chunks, so time to first token differs from total time. */
    chunkDelayMs: z.number().min(0).optional(),
  }),
]);

export const DROPPABLE_FIELDS = ['usage', 'id', 'created', 'system_fingerprint', 'object'] as const;

/** Relay defects in otherwise successful chat completions (issue 4's conformance rules). */
const Defects = z.strictObject({
  ...selector,
  /** Top-level fields left out of the body and every chunk; 'usage' also drops the usage chunk. */
  drop: z.array(z.enum(DROPPABLE_FIELDS)).optional(),
  emptyChoices: z.boolean().optional(),
  /** 'null': the last chunk's finish_reason is null; 'absent': the field is never sent. */
  finishReason: z.enum(['null', 'absent']).optional(),
  /** Tool-call deltas without their integer `index`. */
  dropToolCallIndex: z.boolean().optional(),
  /** Answer with this model name whatever was asked (a relay's model mapping). */
  responseModel: z.string().optional(),
});

export const FaultsSchema = z.strictObject({
  /** Seed for every random choice (rates, latency); re-seeds when set. */
  seed: z.number().int().optional(),
  latency: Latency.optional(),
  /** An OpenAI-shaped error with this status (default 503). */
  error: toggle({ status: z.number().int().min(400).max(599).optional(), message: z.string().optional() }).optional(),
  /** 429 with Retry-After (seconds) and retry-after-ms. */
  rateLimit: toggle({ retryAfterSeconds: z.number().min(0).optional(), retryAfterMs: z.number().min(0).optional() }).optional(),
  /** Never answer; the socket stays open until the client gives up. */
  hang: Switch.optional(),
  /** Destroy the socket without a response. */
  reset: Switch.optional(),
  /** An HTML page, as when the base URL points at a web server instead of the API. */
  html: toggle({ status: z.number().int().optional() }).optional(),
  /** 200 whose body is {"error": ...}. */
  errorBody: Switch.optional(),
  /** Stop after `afterChunks` stream chunks (default 2) and close the socket; plain bodies are cut in half. */
  truncateStream: toggle({ afterChunks: z.number().int().min(1).optional() }).optional(),
  /** End the stream cleanly but without `data: [DONE]`. */
  noDone: Switch.optional(),
  /** One data line carries broken JSON; plain bodies are not JSON at all. */
  malformedSse: Switch.optional(),
  defects: Defects.optional(),
  /**
   * Answer with exactly this status and body, before auth: a relay's own error page
   * (`{"html-message": …}`), a key echoed back in some encoding, or bytes that are not UTF-8
   * (`bodyBase64`). Default 200, `application/json`.
   */
  rawReply: toggle({
    status: z.number().int().min(100).max(599).optional(),
    body: z.string().optional(),
    bodyBase64: z.string().optional(),
    contentType: z.string().optional(),
  }).optional(),
  /** Reject `max_completion_tokens` with 400 unsupported_parameter, like relays that only know `max_tokens`. */
  rejectMaxCompletionTokens: z.boolean().optional(),
});

export type Faults = z.infer<typeof FaultsSchema>;
export type FaultName = Exclude<keyof Faults, 'seed' | 'rejectMaxCompletionTokens'>;
/** A patch for setFaults: a key set to null (or undefined) switches that fault off. */
export type FaultsPatch = { [K in keyof Faults]?: Faults[K] | null };
export type SelectorSpec = z.infer<typeof Selector>;
export type DefectsSpec = z.infer<typeof Defects>;

/** Validates a patch; throws an Error whose message lists every bad key. */
export function parseFaultsPatch(input: unknown): FaultsPatch {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('faults must be a JSON object');
  }
  const entries = Object.entries(input as Record<string, unknown>);
  const set = Object.fromEntries(entries.filter(([, v]) => v !== null && v !== undefined));
  const result = FaultsSchema.safeParse(set);
  if (!result.success) throw new Error(`invalid faults: ${z.prettifyError(result.error)}`);
  const cleared = Object.fromEntries(entries.filter(([, v]) => v === null || v === undefined).map(([k]) => [k, null]));
  for (const key of Object.keys(cleared)) {
    if (!(key in FaultsSchema.shape)) throw new Error(`invalid faults: unknown key "${key}"`);
  }
  return { ...result.data, ...cleared };
}
