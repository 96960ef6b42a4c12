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

export const gatesSchema = z.strictObject({
  maxErrorRate: z._default(z.number().check(z.gte(0), z.lte(1)), 0.01),
  maxP95Ms: z._default(z.number().check(z.positive()), 3000),
  maxP95Ratio: z._default(z.number().check(z.positive()), 1.2),
  /** The ratio gate fails only when target is also this much slower: 3 ms against 2 ms is "1.5x" yet noise (0: the ratio alone decides). */
  p95RatioFloorMs: z._default(z.number().check(z.nonnegative()), 50),
  minSamples: z._default(z.number().check(z.int(), z.nonnegative()), 20),
  alpha: described(z._default(z.number().check(z.gt(0), z.lt(1)), 0.01), 'false-alarm rate of the statistical gates: a healthy target fails at most this share of windows'),
  /** Inconclusive windows tolerated (each extends the soak) before pausing or failing. */
  maxExtensions: z._default(z.number().check(z.int(), z.nonnegative()), 2),
  /** Consecutive source errors tolerated before aborting. */
  maxSourceErrors: z._default(wholePositive(), 3),
  /** How soon an unreadable gate source is read again (at most the interval). */
  errorRetry: z._default(duration, 2000),
});

export const prometheusSourceSchema = z.strictObject({
  url: url,
  errorRate: described(
    z.optional(z.string()),
    'PromQL: error ratio of target traffic ({{env}}, {{weight}}, {{window}} templated); with no query set, all four default to the recording rules `migrate monitoring` writes',
  ),
  p95Ms: described(z.optional(z.string()), 'PromQL: p95 latency of target traffic in ms'),
  baselineP95Ms: described(z.optional(z.string()), 'PromQL: p95 latency of legacy traffic in ms'),
  samples: described(z.optional(z.string()), 'PromQL: request count of target traffic in the window'),
  timeoutMs: z._default(wholePositive(), 5000),
});

export const gatewaySourceSchema = z.union([
  z.literal(false),
  z.strictObject({ log: described(z.optional(nonEmpty()), "the access log (default: the nginx driver's accessLog)") }),
]);

export const sourcesSchema = z.strictObject({
  probes: z._default(
    z.union([z.literal(false), z.strictObject({ rps: z._default(z.number().check(z.positive(), z.lte(LIMITS.rps)), 2), baseline: z._default(z.boolean(), true) })]),
    { rps: 2, baseline: true },
  ),
  prometheus: z.optional(prometheusSourceSchema),
  command: described(z.optional(argv), 'exit 0 passes the stage; JSON {"verdict":"pass|fail|inconclusive"} on stdout is honoured'),
  webhook: described(z.optional(url), 'POSTed the stage; answers {"verdict":"pass|fail|inconclusive"}'),
  gateway: described(z.optional(gatewaySourceSchema), "real traffic from the gateway's access log; on by default when the traffic driver is nginx with an accessLog (false: off)"),
});

export const rampSchema = z.strictObject({
  stages: described(
    z._default(z.array(z.union([z.number().check(z.gte(0), z.lte(100)), z.literal('shadow')])).check(z.minLength(1)), [5, 20, 50, 100]),
    'weights in percent; `shadow` first copies ramp.shadow % of requests to target while legacy serves everyone (nginx driver)',
  ),
  shadow: described(z._default(z.number().check(z.gt(0), z.lte(100)), 10), "the shadow stage's sampled share in percent: those requests' tokens are paid twice"),
  soak: z._default(duration, 60_000),
  interval: z._default(duration, 10_000),
  gates: z._default(gatesSchema, gatesSchema.parse({})),
  sources: z._default(sourcesSchema, sourcesSchema.parse({})),
  webhook: described(z.optional(url), 'POSTed on every stage change, rollback and completion'),
  validate: described(z._default(z.boolean(), false), 'run the validation suite in the preflight, as --validate does'),
  metricsPort: described(
    z.optional(z.number().check(z.int(), z.gte(1), z.lte(65535))),
    "serve the ramp's progress as Prometheus metrics on 127.0.0.1:PORT/metrics while it runs, as --metrics-port does",
  ),
});

/** What a defaulted field accepts, without its default (classic zod's .unwrap()). */
function withoutDefault<T extends z.ZodMiniType>(field: z.ZodMiniDefault<T>): T {
  return field._zod.def.innerType;
}

/** The same fields and bounds without their defaults (zod's .partial() would still fill them in). */
function withoutDefaults<S extends Record<string, z.ZodMiniDefault<z.ZodMiniType>>>(shape: S): { [K in keyof S]: z.ZodMiniOptional<S[K]['_zod']['def']['innerType']> } {
  return Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, z.optional(withoutDefault(field))])) as never;
}

/** Per-environment overrides: no defaults here, so unset keys fall through to the top-level ramp. */
export const environmentRampSchema = z.strictObject({
  stages: z.optional(withoutDefault(rampSchema.shape.stages)),
  shadow: z.optional(withoutDefault(rampSchema.shape.shadow)),
  soak: z.optional(duration),
  interval: z.optional(duration),
  gates: z.optional(z.strictObject(withoutDefaults(gatesSchema.shape))),
  sources: z.optional(
    z.strictObject({
      probes: z.optional(withoutDefault(sourcesSchema.shape.probes)),
      prometheus: z.optional(prometheusSourceSchema),
      command: z.optional(argv),
      webhook: z.optional(url),
      gateway: z.optional(gatewaySourceSchema),
    }),
  ),
  webhook: z.optional(url),
  validate: z.optional(z.boolean()),
  metricsPort: rampSchema.shape.metricsPort,
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
  ramp: described(z.optional(environmentRampSchema), 'overrides the top-level ramp block for this environment'),
});

export const checkSchema = z.strictObject({
  samples: z._default(z.number().check(z.int(), z.positive(), z.lte(LIMITS.samples)), 5),
  maxP95Ms: z.optional(z.number().check(z.positive())),
  maxErrors: z._default(z.number().check(z.int(), z.nonnegative()), 0),
});

export const validateSchema = z.strictObject({
  suites: z._default(z.array(z.string()), []),
  concurrency: z._default(z.number().check(z.int(), z.positive(), z.lte(LIMITS.concurrency)), 8),
  rpm: z._default(wholePositive(), 600),
  minPassRate: z.optional(z.number().check(z.gte(0), z.lte(1))),
  timeout: z._default(duration, 120_000),
  dailyRequests: described(z.optional(wholePositive()), 'for the projected monthly cost'),
  probes: described(z._default(z.boolean(), true), 'also send the conformance probes (a bad key, an unknown model, GET /models; 3 per provider); --no-probes for one run'),
});

export const gatewaySchema = z.strictObject({
  image: described(z._default(nonEmpty(), 'nginx:stable'), "the llm-gateway service's nginx image"),
  port: described(z._default(z.number().check(z.int(), z.gte(1), z.lte(65535)), 8089), 'the port the gateway listens on'),
  networkMode: described(z.optional(z.string()), "the gateway's network_mode (default: host when the app's services use it, else the compose network)"),
  tries: described(z._default(z.number().check(z.int(), z.gte(1)), 2), 'nodes a request may try before failing (connect errors, timeouts, 502/503/504)'),
});

export const configSchema = z.strictObject({
  version: z.literal(1),
  providers: z.strictObject({ legacy: providerSchema, target: providerSchema }),
  models: z.array(nonEmpty()).check(z.minLength(1)),
  environments: z._default(z.record(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'environment names use letters, digits, ".", "_" and "-"')), environmentSchema), {}),
  ramp: z._default(rampSchema, rampSchema.parse({})),
  check: z._default(checkSchema, checkSchema.parse({})),
  validate: z._default(validateSchema, validateSchema.parse({})),
  gateway: z._default(gatewaySchema, gatewaySchema.parse({})),
  backup: z._default(z.strictObject({ keep: z._default(wholePositive(), 20) }), { keep: 20 }),
  stateDir: z._default(z.string(), '.migrate'),
});

export type Config = z.output<typeof configSchema>;
export type ProviderConfig = z.output<typeof providerSchema>;
export type NodeConfig = z.output<typeof nodeSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type TrafficConfig = z.output<typeof trafficSchema>;
export type RampConfig = z.output<typeof rampSchema>;
export type GatesConfig = z.output<typeof gatesSchema>;
export type ComposeConfig = z.output<typeof composeSchema>;
export type GatewayConfig = z.output<typeof gatewaySchema>;
export type ProviderRole = 'legacy' | 'target';
