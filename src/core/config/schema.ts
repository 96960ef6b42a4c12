import { z } from '../zod.js';
import { parseDuration } from './duration.js';
import { LIMITS } from '../../limits.js';

// The names here are the contract users' files rely on (DESIGN.md "Configuration").
// Objects are strict so a typo is an error with a "did you mean" suggestion.

const duration = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like 500ms, 10s or 5m, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ description: 'duration: 500ms, 10s, 5m, 1h (or milliseconds as a number)' });

const url = z
  .string()
  .trim()
  .regex(/^https?:\/\/[^\s]+$/, 'expected an http:// or https:// URL');
const headers = z.record(z.string(), z.string()).meta({ description: 'extra HTTP headers sent with every request' });

export const nodeSchema = z.strictObject({
  id: z.string().min(1),
  region: z.string().optional(),
  baseUrl: url,
  apiKey: z.string().optional().meta({ description: "defaults to the provider's apiKey" }),
  headers: headers.optional(),
});

export const priceSchema = z.strictObject({
  input: z.number().nonnegative().meta({ description: 'price per million input tokens' }),
  output: z.number().nonnegative().meta({ description: 'price per million output tokens' }),
  currency: z.string().default('USD'),
});

export const providerSchema = z.strictObject({
  baseUrl: url.meta({ description: 'OpenAI-compatible base URL, usually ending in /v1' }),
  apiKey: z.string().min(1),
  headers: headers.optional(),
  timeoutMs: z.number().int().positive().default(30_000),
  nodes: z.array(nodeSchema).default([]),
  strictModels: z.boolean().default(false).meta({ description: 'fail (not warn) when /models is not served' }),
  rpm: z.number().int().positive().optional().meta({ description: 'requests per minute this tool may send' }),
  prices: z.record(z.string(), priceSchema).optional().meta({ description: 'per model: price per million tokens' }),
  models: z
    .record(z.string(), z.string().min(1))
    .optional()
    .meta({ description: "the app's model name -> this provider's (a relay's `openai/gpt-4.1`); sent by check, validate and the ramp's probes" }),
});

const argv = z.union([z.string().min(1), z.array(z.string()).min(1)]);

export const composeSchema = z.strictObject({
  files: z.array(z.string()).min(1),
  services: z
    .array(z.string())
    .min(1)
    .optional()
    .meta({ description: 'recreate exactly these services; default: every service that reads a changed env file (env_file, a bind mount of it, or ${VAR} from the project .env)' }),
  alsoRecreate: z.array(z.string()).default([]).meta({ description: 'services recreated in addition, e.g. one that reads the env file through a mounted directory' }),
  projectName: z.string().optional(),
  command: z.enum(['auto', 'docker compose', 'docker-compose']).default('auto'),
  healthTimeout: duration.default(60_000),
});

export const envDriverSchema = z.strictObject({
  driver: z.literal('env'),
  weightKey: z.string().default('LLM_TARGET_WEIGHT'),
});

export const nginxDriverSchema = z.strictObject({
  driver: z.literal('nginx'),
  file: z.string().meta({ description: 'the generated include nginx loads' }),
  binary: z.string().default('nginx'),
  /** Extra args for nginx -t / -s reload, e.g. ["-c", "/etc/nginx/nginx.conf"]. */
  args: z.array(z.string()).default([]),
  /** Run nginx inside this compose service (compose exec) instead of on the host. */
  service: z.string().optional(),
  splitKey: z.string().default('$request_id'),
  accessLog: z.string().optional().meta({ description: "the gateway's JSON access log, read by the real-traffic gate (ramp.sources.gateway)" }),
  gateway: z
    .boolean()
    .optional()
    .meta({ description: '(set by `migrate gateway setup`) the app reaches both providers through this nginx: 100 % writes no cut-over into the env files' }),
});

export const commandDriverSchema = z.strictObject({
  driver: z.literal('command'),
  command: argv.meta({ description: 'run with MIGRATE_WEIGHT and MIGRATE_ENV in its environment' }),
  timeout: duration.default(60_000),
});

export const trafficSchema = z.discriminatedUnion('driver', [envDriverSchema, nginxDriverSchema, commandDriverSchema]);

export const gatesSchema = z.strictObject({
  maxErrorRate: z.number().min(0).max(1).default(0.01),
  maxP95Ms: z.number().positive().default(3000),
  maxP95Ratio: z.number().positive().default(1.2),
  /** The ratio gate fails only when target is also this much slower: 3 ms against 2 ms is "1.5x" yet noise (0: the ratio alone decides). */
  p95RatioFloorMs: z.number().nonnegative().default(50),
  minSamples: z.number().int().nonnegative().default(20),
  alpha: z.number().gt(0).lt(1).default(0.01).meta({ description: 'false-alarm rate of the statistical gates: a healthy target fails at most this share of windows' }),
  /** Inconclusive windows tolerated (each extends the soak) before pausing or failing. */
  maxExtensions: z.number().int().nonnegative().default(2),
  /** Consecutive source errors tolerated before aborting. */
  maxSourceErrors: z.number().int().positive().default(3),
  /** How soon an unreadable gate source is read again (at most the interval). */
  errorRetry: duration.default(2000),
});

export const prometheusSourceSchema = z.strictObject({
  url: url,
  errorRate: z.string().optional().meta({
    description:
      'PromQL: error ratio of target traffic ({{env}}, {{weight}}, {{window}} templated); with no query set, all four default to the recording rules `migrate monitoring` writes',
  }),
  p95Ms: z.string().optional().meta({ description: 'PromQL: p95 latency of target traffic in ms' }),
  baselineP95Ms: z.string().optional().meta({ description: 'PromQL: p95 latency of legacy traffic in ms' }),
  samples: z.string().optional().meta({ description: 'PromQL: request count of target traffic in the window' }),
  timeoutMs: z.number().int().positive().default(5000),
});

export const gatewaySourceSchema = z.union([
  z.literal(false),
  z.strictObject({ log: z.string().min(1).optional().meta({ description: "the access log (default: the nginx driver's accessLog)" }) }),
]);

export const sourcesSchema = z.strictObject({
  probes: z
    .union([z.literal(false), z.strictObject({ rps: z.number().positive().max(LIMITS.rps).default(2), baseline: z.boolean().default(true) })])
    .default({ rps: 2, baseline: true }),
  prometheus: prometheusSourceSchema.optional(),
  command: argv.optional().meta({ description: 'exit 0 passes the stage; JSON {"verdict":"pass|fail|inconclusive"} on stdout is honoured' }),
  webhook: url.optional().meta({ description: 'POSTed the stage; answers {"verdict":"pass|fail|inconclusive"}' }),
  gateway: gatewaySourceSchema.optional().meta({
    description: "real traffic from the gateway's access log; on by default when the traffic driver is nginx with an accessLog (false: off)",
  }),
});

export const rampSchema = z.strictObject({
  stages: z
    .array(z.union([z.number().min(0).max(100), z.literal('shadow')]))
    .min(1)
    .default([5, 20, 50, 100])
    .meta({ description: 'weights in percent; `shadow` first copies ramp.shadow % of requests to target while legacy serves everyone (nginx driver)' }),
  shadow: z.number().gt(0).max(100).default(10).meta({ description: "the shadow stage's sampled share in percent: those requests' tokens are paid twice" }),
  soak: duration.default(60_000),
  interval: duration.default(10_000),
  gates: gatesSchema.default(gatesSchema.parse({})),
  sources: sourcesSchema.default(sourcesSchema.parse({})),
  webhook: url.optional().meta({ description: 'POSTed on every stage change, rollback and completion' }),
  validate: z.boolean().default(false).meta({ description: 'run the validation suite in the preflight, as --validate does' }),
  metricsPort: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .meta({ description: "serve the ramp's progress as Prometheus metrics on 127.0.0.1:PORT/metrics while it runs, as --metrics-port does" }),
});

/** The same fields and bounds without their defaults (zod's .partial() would still fill them in). */
function withoutDefaults<S extends Record<string, z.ZodDefault<z.ZodType>>>(shape: S): { [K in keyof S]: z.ZodOptional<ReturnType<S[K]['unwrap']>> } {
  return Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, field.unwrap().optional()])) as never;
}

/** Per-environment overrides: no defaults here, so unset keys fall through to the top-level ramp. */
export const environmentRampSchema = z.strictObject({
  stages: rampSchema.shape.stages.unwrap().optional(),
  shadow: rampSchema.shape.shadow.unwrap().optional(),
  soak: duration.optional(),
  interval: duration.optional(),
  gates: z.strictObject(withoutDefaults(gatesSchema.shape)).optional(),
  sources: z
    .strictObject({
      probes: sourcesSchema.shape.probes.unwrap().optional(),
      prometheus: prometheusSourceSchema.optional(),
      command: argv.optional(),
      webhook: url.optional(),
      gateway: gatewaySourceSchema.optional(),
    })
    .optional(),
  webhook: url.optional(),
  validate: z.boolean().optional(),
  metricsPort: rampSchema.shape.metricsPort,
});

export const environmentSchema = z.strictObject({
  envFiles: z.array(z.string()).min(1),
  compose: composeSchema.optional(),
  traffic: trafficSchema.default({ driver: 'env', weightKey: 'LLM_TARGET_WEIGHT' }),
  cutover: z.record(z.string(), z.string()).default({}).meta({ description: 'what the env files say at 100 %' }),
  modelVariables: z
    .array(z.string().min(1))
    .optional()
    .meta({ description: '(default none) env variables holding a model name (DEFAULT_MODEL): at 100 % written mapped through providers.target.models' }),
  confirm: z.boolean().optional().meta({ description: 'ask before the first stage and 100 % (default: true for production)' }),
  requires: z.string().optional().meta({ description: 'another environment whose ramp must have completed first' }),
  ramp: environmentRampSchema.optional().meta({ description: 'overrides the top-level ramp block for this environment' }),
});

export const checkSchema = z.strictObject({
  samples: z.number().int().positive().max(LIMITS.samples).default(5),
  maxP95Ms: z.number().positive().optional(),
  maxErrors: z.number().int().nonnegative().default(0),
});

export const validateSchema = z.strictObject({
  suites: z.array(z.string()).default([]),
  concurrency: z.number().int().positive().max(LIMITS.concurrency).default(8),
  rpm: z.number().int().positive().default(600),
  minPassRate: z.number().min(0).max(1).optional(),
  timeout: duration.default(120_000),
  dailyRequests: z.number().int().positive().optional().meta({ description: 'for the projected monthly cost' }),
  probes: z.boolean().default(true).meta({ description: 'also send the conformance probes (a bad key, an unknown model, GET /models; 3 per provider); --no-probes for one run' }),
});

export const gatewaySchema = z.strictObject({
  image: z.string().min(1).default('nginx:stable').meta({ description: "the llm-gateway service's nginx image" }),
  port: z.number().int().min(1).max(65535).default(8089).meta({ description: 'the port the gateway listens on' }),
  networkMode: z.string().optional().meta({ description: "the gateway's network_mode (default: host when the app's services use it, else the compose network)" }),
  tries: z.number().int().min(1).default(2).meta({ description: 'nodes a request may try before failing (connect errors, timeouts, 502/503/504)' }),
});

export const configSchema = z.strictObject({
  version: z.literal(1),
  providers: z.strictObject({ legacy: providerSchema, target: providerSchema }),
  models: z.array(z.string().min(1)).min(1),
  environments: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'environment names use letters, digits, ".", "_" and "-"'), environmentSchema).default({}),
  ramp: rampSchema.default(rampSchema.parse({})),
  check: checkSchema.default(checkSchema.parse({})),
  validate: validateSchema.default(validateSchema.parse({})),
  gateway: gatewaySchema.default(gatewaySchema.parse({})),
  backup: z.strictObject({ keep: z.number().int().positive().default(20) }).default({ keep: 20 }),
  stateDir: z.string().default('.migrate'),
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
