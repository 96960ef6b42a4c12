// The faults a fake provider can be told to inject. One schema serves the TypeScript API,
// the control endpoint (POST /_fake/faults) and the launcher's --faults flag, so a typo in
// any of them is an error instead of a silently healthy provider.
import * as z from '../core/zod.js';

/**
 * Which requests a fault hits. Counting starts when the fault is set: `afterN: 20` leaves
 * the next 20 matching requests alone, `firstN: 5` hits only the next 5. `rate` then picks
 * a seeded-random share of those. `paths` defaults to ['/v1/chat/completions']; '*' is all.
 */
const selector = {
  rate: z.optional(z.number().check(z.gte(0), z.lte(1))),
  firstN: z.optional(z.number().check(z.int(), z.gte(0))),
  afterN: z.optional(z.number().check(z.int(), z.gte(0))),
  paths: z.optional(z.array(z.string())),
};
const Selector = z.strictObject(selector);

/** `true` means every matching request; an object narrows it and may carry parameters. */
function toggle<T extends z.core.$ZodLooseShape>(extra: T) {
  return z.union([z.boolean(), z.strictObject({ ...selector, ...extra })]);
}
const Switch = toggle({});

const Latency = z.union([
  z.number().check(z.gte(0)),
  z.strictObject({
    ...selector,
    /** Fixed delay, or uniform in [min, max], or normal(mean, stddev) clamped at 0. */
    ms: z.optional(z.number().check(z.gte(0))),
    min: z.optional(z.number().check(z.gte(0))),
    max: z.optional(z.number().check(z.gte(0))),
    mean: z.optional(z.number().check(z.gte(0))),
    stddev: z.optional(z.number().check(z.gte(0))),
    /** Pause between stream chunks, so time to first token differs from total time. */
    chunkDelayMs: z.optional(z.number().check(z.gte(0))),
  }),
]);

export const DROPPABLE_FIELDS = ['usage', 'id', 'created', 'system_fingerprint', 'object'] as const;

/** Relay defects in otherwise successful chat completions (issue 4's conformance rules). */
const Defects = z.strictObject({
  ...selector,
  /** Top-level fields left out of the body and every chunk; 'usage' also drops the usage chunk. */
  drop: z.optional(z.array(z.enum(DROPPABLE_FIELDS))),
  emptyChoices: z.optional(z.boolean()),
  /** 'null': the last chunk's finish_reason is null; 'absent': the field is never sent. */
  finishReason: z.optional(z.enum(['null', 'absent'])),
  /** Tool-call deltas without their integer `index`. */
  dropToolCallIndex: z.optional(z.boolean()),
  /** Answer with this model name whatever was asked (a relay's model mapping). */
  responseModel: z.optional(z.string()),
});

export const FaultsSchema = z.strictObject({
  /** Seed for every random choice (rates, latency); re-seeds when set. */
  seed: z.optional(z.number().check(z.int())),
  latency: z.optional(Latency),
  /** An OpenAI-shaped error with this status (default 503). */
  error: z.optional(toggle({ status: z.optional(z.number().check(z.int(), z.gte(400), z.lte(599))), message: z.optional(z.string()) })),
  /** 429 with Retry-After (seconds) and retry-after-ms. */
  rateLimit: z.optional(toggle({ retryAfterSeconds: z.optional(z.number().check(z.gte(0))), retryAfterMs: z.optional(z.number().check(z.gte(0))) })),
  /** Never answer; the socket stays open until the client gives up. */
  hang: z.optional(Switch),
  /** Destroy the socket without a response. */
  reset: z.optional(Switch),
  /** An HTML page, as when the base URL points at a web server instead of the API. */
  html: z.optional(toggle({ status: z.optional(z.number().check(z.int())) })),
  /** 200 whose body is {"error": ...}. */
  errorBody: z.optional(Switch),
  /** Stop after `afterChunks` stream chunks (default 2) and close the socket; plain bodies are cut in half. */
  truncateStream: z.optional(toggle({ afterChunks: z.optional(z.number().check(z.int(), z.gte(1))) })),
  /** End the stream cleanly but without `data: [DONE]`. */
  noDone: z.optional(Switch),
  /** One data line carries broken JSON; plain bodies are not JSON at all. */
  malformedSse: z.optional(Switch),
  defects: z.optional(Defects),
  /**
   * Answer with exactly this status and body, before auth: a relay's own error page
   * (`{"html-message": …}`), a key echoed back in some encoding, or bytes that are not UTF-8
   * (`bodyBase64`). Default 200, `application/json`.
   */
  rawReply: z.optional(
    toggle({
      status: z.optional(z.number().check(z.int(), z.gte(100), z.lte(599))),
      body: z.optional(z.string()),
      bodyBase64: z.optional(z.string()),
      contentType: z.optional(z.string()),
    }),
  ),
  /** Reject `max_completion_tokens` with 400 unsupported_parameter, like relays that only know `max_tokens`. */
  rejectMaxCompletionTokens: z.optional(z.boolean()),
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
