import { addIssue, described } from '../zod.js';
import * as z from '../zod.js';
import { parseDuration } from './duration.js';
import { LIMITS } from '../../limits.js';

// The names here are the contract users' files rely on (DESIGN.md "Configuration").
// Objects are strict so a typo is an error with a "did you mean" suggestion.

const duration = described(
  z.pipe(
    z.union([z.string(), z.number()]),
    z.transform((v: string | number, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined) {
        addIssue(ctx, { code: 'custom', message: `expected a duration like 500ms, 10s or 5m, got ${JSON.stringify(v)}` });
        return z.NEVER;
      }
      return ms;
    }),
  ),
  'duration: 500ms, 10s, 5m, 1h (or milliseconds as a number)',
);

const url = z.string().check(z.trim(), z.regex(/^https?:\/\/[^\s]+$/, 'expected an http:// or https:// URL'));
const headers = described(z.record(z.string(), z.string()), 'extra HTTP headers sent with every request');
const nonEmpty = () => z.string().check(z.minLength(1));
const wholePositive = () => z.number().check(z.int(), z.positive());

export const nodeSchema = z.strictObject({
  id: nonEmpty(),
  region: z.optional(z.string()),
  baseUrl: url,
  apiKey: described(z.optional(z.string()), "defaults to the provider's apiKey"),
  headers: z.optional(headers),
});

export const priceSchema = z.strictObject({
  input: described(z.number().check(z.nonnegative()), 'price per million input tokens'),
  output: described(z.number().check(z.nonnegative()), 'price per million output tokens'),
  currency: z._default(z.string(), 'USD'),
});

export const providerSchema = z.strictObject({
  baseUrl: described(url, 'OpenAI-compatible base URL, usually ending in /v1'),
  apiKey: nonEmpty(),
  headers: z.optional(headers),
  timeoutMs: z._default(wholePositive(), 30_000),
  nodes: z._default(z.array(nodeSchema), []),
  strictModels: described(z._default(z.boolean(), false), 'fail (not warn) when /models is not served'),
  rpm: described(z.optional(wholePositive()), 'requests per minute this tool may send'),
  prices: described(z.optional(z.record(z.string(), priceSchema)), 'per model: price per million tokens'),
  models: described(
    z.optional(z.record(z.string(), nonEmpty())),
    "the app's model name -> this provider's (a relay's `openai/gpt-4.1`); sent by check, validate and the ramp's probes",
  ),
});

const argv = z.union([nonEmpty(), z.array(z.string()).check(z.minLength(1))]);

export const composeSchema = z.strictObject({
  files: z.array(z.string()).check(z.minLength(1)),
  services: described(
    z.optional(z.array(z.string()).check(z.minLength(1))),
    'recreate exactly these services; default: every service that reads a changed env file (env_file, a bind mount of it, or ${VAR} from the project .env)',
  ),
  alsoRecreate: described(z._default(z.array(z.string()), []), 'services recreated in addition, e.g. one that reads the env file through a mounted directory'),
  projectName: z.optional(z.string()),
  command: z._default(z.enum(['auto', 'docker compose', 'docker-compose']), 'auto'),
  healthTimeout: z._default(duration, 60_000),
});

export const envDriverSchema = z.strictObject({
  driver: z.literal('env'),
  weightKey: z._default(z.string(), 'LLM_TARGET_WEIGHT'),
});

export const nginxDriverSchema = z.strictObject({
  driver: z.literal('nginx'),
  file: described(z.string(), 'the generated include nginx loads'),
  binary: z._default(z.string(), 'nginx'),
  /** Extra args for nginx -t / -s reload, e.g. ["-c", "/etc/nginx/nginx.conf"]. */
  args: z._default(z.array(z.string()), []),
  /** Run nginx inside this compose service (compose exec) instead of on the host. */
  service: z.optional(z.string()),
  splitKey: z._default(z.string(), '$request_id'),
  accessLog: described(z.optional(z.string()), "the gateway's JSON access log, read by the real-traffic gate (ramp.sources.gateway)"),
  gateway: described(z.optional(z.boolean()), '(set by `migrate gateway setup`) the app reaches both providers through this nginx: 100 % writes no cut-over into the env files'),
});

export const commandDriverSchema = z.strictObject({
  driver: z.literal('command'),
  command: described(argv, 'run with MIGRATE_WEIGHT and MIGRATE_ENV in its environment'),
  timeout: z._default(duration, 60_000),
});

export const trafficSchema = z.discriminatedUnion('driver', [envDriverSchema, nginxDriverSchema, commandDriverSchema]);

// The ramp, check, validate and gateway sections (and an environment's ramp) are built on first
// use: most commands, a rollback among them, parse files without them, and building their
// schemas cost start-up time. Their defaults are plain values, so filling in an absent section
// builds nothing; each field's default is read from them, so each value is written once.

export const GATES_DEFAULTS = {
  maxErrorRate: 0.01,
  maxP95Ms: 3000,
  maxP95Ratio: 1.2,
  p95RatioFloorMs: 50,
  minSamples: 20,
  alpha: 0.01,
  maxExtensions: 2,
  maxSourceErrors: 3,
  errorRetry: 2000,
};
const PROBES_DEFAULTS = { rps: 2, baseline: true };
export const SOURCES_DEFAULTS = { probes: PROBES_DEFAULTS };
export const RAMP_DEFAULTS = {
  stages: [5, 20, 50, 100] as (number | 'shadow')[],
  shadow: 10,
  soak: 60_000,
  interval: 10_000,
  gates: GATES_DEFAULTS,
  sources: SOURCES_DEFAULTS,
  validate: false,
};
export const CHECK_DEFAULTS = { samples: 5, maxErrors: 0 };
export const VALIDATE_DEFAULTS = { suites: [] as string[], concurrency: 8, rpm: 600, timeout: 120_000, probes: true };
export const GATEWAY_DEFAULTS = { image: 'nginx:stable', port: 8089, tries: 2 };

/** A fresh deep copy of `value` for each parse that defaults to it: no two configs share a nested object. */
const fresh =
  <T>(value: T) =>
  (): T =>
    structuredClone(value);

/** `build`'s schema, built on the first call and the same one after. */
function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

/**
 * A schema built when a file first has the section. zod asks an optional field's inner schema
 * whether it is optional itself on every parse, even of an absent key, and a lazy one answers
 * by building: these wrap object schemas, which never are, so they say so (zod's own values).
 * test/config/sections-built.test.ts fails if a zod upgrade makes an absent section build again.
 */
function deferred<T extends z.ZodMiniType>(build: () => T): z.ZodMiniLazy<T> {
  const schema = z.lazy(build);
  Object.defineProperty(schema._zod, 'optin', { value: undefined });
  Object.defineProperty(schema._zod, 'optout', { value: undefined });
  return schema;
}

export const gatesSchema = once(() =>
  z.strictObject({
    maxErrorRate: z._default(z.number().check(z.gte(0), z.lte(1)), GATES_DEFAULTS.maxErrorRate),
    maxP95Ms: z._default(z.number().check(z.positive()), GATES_DEFAULTS.maxP95Ms),
    maxP95Ratio: z._default(z.number().check(z.positive()), GATES_DEFAULTS.maxP95Ratio),
    /** The ratio gate fails only when target is also this much slower: 3 ms against 2 ms is "1.5x" yet noise (0: the ratio alone decides). */
    p95RatioFloorMs: z._default(z.number().check(z.nonnegative()), GATES_DEFAULTS.p95RatioFloorMs),
    minSamples: z._default(z.number().check(z.int(), z.nonnegative()), GATES_DEFAULTS.minSamples),
    alpha: described(
      z._default(z.number().check(z.gt(0), z.lt(1)), GATES_DEFAULTS.alpha),
      'false-alarm rate of the statistical gates: a healthy target fails at most this share of windows',
    ),
    /** Inconclusive windows tolerated (each extends the soak) before pausing or failing. */
    maxExtensions: z._default(z.number().check(z.int(), z.nonnegative()), GATES_DEFAULTS.maxExtensions),
    /** Consecutive source errors tolerated before aborting. */
    maxSourceErrors: z._default(wholePositive(), GATES_DEFAULTS.maxSourceErrors),
    /** How soon an unreadable gate source is read again (at most the interval). */
    errorRetry: z._default(duration, GATES_DEFAULTS.errorRetry),
  }),
);

export const prometheusSourceSchema = once(() =>
  z.strictObject({
    url: url,
    errorRate: described(
      z.optional(z.string()),
      'PromQL: error ratio of target traffic ({{env}}, {{weight}}, {{window}} templated); with no query set, all four default to the recording rules `migrate monitoring` writes',
    ),
    p95Ms: described(z.optional(z.string()), 'PromQL: p95 latency of target traffic in ms'),
    baselineP95Ms: described(z.optional(z.string()), 'PromQL: p95 latency of legacy traffic in ms'),
    samples: described(z.optional(z.string()), 'PromQL: request count of target traffic in the window'),
    timeoutMs: z._default(wholePositive(), 5000),
  }),
);

export const gatewaySourceSchema = once(() =>
  z.union([z.literal(false), z.strictObject({ log: described(z.optional(nonEmpty()), "the access log (default: the nginx driver's accessLog)") })]),
);

export const sourcesSchema = once(() =>
  z.strictObject({
    probes: z._default(
      z.union([
        z.literal(false),
        z.strictObject({
          rps: z._default(z.number().check(z.positive(), z.lte(LIMITS.rps)), PROBES_DEFAULTS.rps),
          baseline: z._default(z.boolean(), PROBES_DEFAULTS.baseline),
        }),
      ]),
      fresh(PROBES_DEFAULTS),
    ),
    prometheus: z.optional(prometheusSourceSchema()),
    command: described(z.optional(argv), 'exit 0 passes the stage; JSON {"verdict":"pass|fail|inconclusive"} on stdout is honoured'),
    webhook: described(z.optional(url), 'POSTed the stage; answers {"verdict":"pass|fail|inconclusive"}'),
    gateway: described(
      z.optional(gatewaySourceSchema()),
      "real traffic from the gateway's access log; on by default when the traffic driver is nginx with an accessLog (false: off)",
    ),
  }),
);

export const rampSchema = once(() =>
  z.strictObject({
    stages: described(
      z._default(z.array(z.union([z.number().check(z.gte(0), z.lte(100)), z.literal('shadow')])).check(z.minLength(1)), RAMP_DEFAULTS.stages),
      'weights in percent; `shadow` first copies ramp.shadow % of requests to target while legacy serves everyone (nginx driver)',
    ),
    shadow: described(
      z._default(z.number().check(z.gt(0), z.lte(100)), RAMP_DEFAULTS.shadow),
      "the shadow stage's sampled share in percent: those requests' tokens are paid twice",
    ),
    soak: z._default(duration, RAMP_DEFAULTS.soak),
    interval: z._default(duration, RAMP_DEFAULTS.interval),
    gates: z._default(gatesSchema(), fresh(GATES_DEFAULTS)),
    sources: z._default(sourcesSchema(), fresh(SOURCES_DEFAULTS)),
    webhook: described(z.optional(url), 'POSTed on every stage change, rollback and completion'),
    validate: described(z._default(z.boolean(), RAMP_DEFAULTS.validate), 'run the validation suite in the preflight, as --validate does'),
    metricsPort: described(
      z.optional(z.number().check(z.int(), z.gte(1), z.lte(65535))),
      "serve the ramp's progress as Prometheus metrics on 127.0.0.1:PORT/metrics while it runs, as --metrics-port does",
    ),
  }),
);

/** What a defaulted field accepts, without its default (classic zod's .unwrap()). */
function withoutDefault<T extends z.ZodMiniType>(field: z.ZodMiniDefault<T>): T {
  return field._zod.def.innerType;
}

/** The same fields and bounds without their defaults (zod's .partial() would still fill them in). */
function withoutDefaults<S extends Record<string, z.ZodMiniDefault<z.ZodMiniType>>>(shape: S): { [K in keyof S]: z.ZodMiniOptional<S[K]['_zod']['def']['innerType']> } {
  return Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, z.optional(withoutDefault(field))])) as never;
}

/** Per-environment overrides: no defaults here, so unset keys fall through to the top-level ramp. */
export const environmentRampSchema = once(() => {
  const ramp = rampSchema().shape;
  return z.strictObject({
    stages: z.optional(withoutDefault(ramp.stages)),
    shadow: z.optional(withoutDefault(ramp.shadow)),
    soak: z.optional(duration),
    interval: z.optional(duration),
    gates: z.optional(z.strictObject(withoutDefaults(gatesSchema().shape))),
    sources: z.optional(
      z.strictObject({
        probes: z.optional(withoutDefault(sourcesSchema().shape.probes)),
        prometheus: z.optional(prometheusSourceSchema()),
        command: z.optional(argv),
        webhook: z.optional(url),
        gateway: z.optional(gatewaySourceSchema()),
      }),
    ),
    webhook: z.optional(url),
    validate: z.optional(z.boolean()),
    metricsPort: ramp.metricsPort,
  });
});

export const environmentSchema = z.strictObject({
  envFiles: z.array(z.string()).check(z.minLength(1)),
  compose: z.optional(composeSchema),
  traffic: z._default(trafficSchema, { driver: 'env', weightKey: 'LLM_TARGET_WEIGHT' }),
  cutover: described(z._default(z.record(z.string(), z.string()), {}), 'what the env files say at 100 %'),
  modelVariables: described(
    z.optional(z.array(nonEmpty())),
    '(default none) env variables holding a model name (DEFAULT_MODEL): at 100 % written mapped through providers.target.models',
  ),
  confirm: described(z.optional(z.boolean()), 'ask before the first stage and 100 % (default: true for production)'),
  requires: described(z.optional(z.string()), 'another environment whose ramp must have completed first'),
  ramp: described(z.optional(deferred(environmentRampSchema)), 'overrides the top-level ramp block for this environment'),
});

export const checkSchema = once(() =>
  z.strictObject({
    samples: z._default(z.number().check(z.int(), z.positive(), z.lte(LIMITS.samples)), CHECK_DEFAULTS.samples),
    maxP95Ms: z.optional(z.number().check(z.positive())),
    maxErrors: z._default(z.number().check(z.int(), z.nonnegative()), CHECK_DEFAULTS.maxErrors),
  }),
);

export const validateSchema = once(() =>
  z.strictObject({
    suites: z._default(z.array(z.string()), VALIDATE_DEFAULTS.suites),
    concurrency: z._default(z.number().check(z.int(), z.positive(), z.lte(LIMITS.concurrency)), VALIDATE_DEFAULTS.concurrency),
    rpm: z._default(wholePositive(), VALIDATE_DEFAULTS.rpm),
    minPassRate: z.optional(z.number().check(z.gte(0), z.lte(1))),
    timeout: z._default(duration, VALIDATE_DEFAULTS.timeout),
    dailyRequests: described(z.optional(wholePositive()), 'for the projected monthly cost'),
    probes: described(
      z._default(z.boolean(), VALIDATE_DEFAULTS.probes),
      'also send the conformance probes (a bad key, an unknown model, GET /models; 3 per provider); --no-probes for one run',
    ),
  }),
);

export const gatewaySchema = once(() =>
  z.strictObject({
    image: described(z._default(nonEmpty(), GATEWAY_DEFAULTS.image), "the llm-gateway service's nginx image"),
    port: described(z._default(z.number().check(z.int(), z.gte(1), z.lte(65535)), GATEWAY_DEFAULTS.port), 'the port the gateway listens on'),
    networkMode: described(z.optional(z.string()), "the gateway's network_mode (default: host when the app's services use it, else the compose network)"),
    tries: described(z._default(z.number().check(z.int(), z.gte(1)), GATEWAY_DEFAULTS.tries), 'nodes a request may try before failing (connect errors, timeouts, 502/503/504)'),
  }),
);

export const configSchema = z.strictObject({
  version: z.literal(1),
  providers: z.strictObject({ legacy: providerSchema, target: providerSchema }),
  models: z.array(nonEmpty()).check(z.minLength(1)),
  environments: z._default(z.record(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'environment names use letters, digits, ".", "_" and "-"')), environmentSchema), {}),
  ramp: z._default(deferred(rampSchema), fresh(RAMP_DEFAULTS)),
  check: z._default(deferred(checkSchema), fresh(CHECK_DEFAULTS)),
  validate: z._default(deferred(validateSchema), fresh(VALIDATE_DEFAULTS)),
  gateway: z._default(deferred(gatewaySchema), fresh(GATEWAY_DEFAULTS)),
  backup: z._default(z.strictObject({ keep: z._default(wholePositive(), 20) }), { keep: 20 }),
  stateDir: z._default(z.string(), '.migrate'),
});

export type Config = z.output<typeof configSchema>;
export type ProviderConfig = z.output<typeof providerSchema>;
export type NodeConfig = z.output<typeof nodeSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type TrafficConfig = z.output<typeof trafficSchema>;
export type RampConfig = z.output<ReturnType<typeof rampSchema>>;
export type GatesConfig = z.output<ReturnType<typeof gatesSchema>>;
export type ComposeConfig = z.output<typeof composeSchema>;
export type GatewayConfig = z.output<ReturnType<typeof gatewaySchema>>;
export type ProviderRole = 'legacy' | 'target';
