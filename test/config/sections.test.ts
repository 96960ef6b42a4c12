// The ramp, check, validate and gateway sections (and an environment's ramp) are built on first
// use (src/core/config/schema.ts). What a user sees must not depend on that: the expectations
// below were taken from the schema as it was before, when every section was built at import.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/load.js';
import {
  CHECK_DEFAULTS,
  configSchema,
  GATES_DEFAULTS,
  GATEWAY_DEFAULTS,
  RAMP_DEFAULTS,
  SOURCES_DEFAULTS,
  VALIDATE_DEFAULTS,
  checkSchema,
  gatesSchema,
  gatewaySchema,
  rampSchema,
  sourcesSchema,
  validateSchema,
} from '../../src/core/config/schema.js';
import { UsageError } from '../../src/errors.js';
import { KEYS, minimalYaml, project } from './helpers.js';

/** Everything but providers, models and version of minimalYaml() parsed: written out, not computed. */
const DEFAULTS = {
  environments: {},
  ramp: {
    stages: [5, 20, 50, 100],
    shadow: 10,
    soak: 60000,
    interval: 10000,
    gates: { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, p95RatioFloorMs: 50, minSamples: 20, alpha: 0.01, maxExtensions: 2, maxSourceErrors: 3, errorRetry: 2000 },
    sources: { probes: { rps: 2, baseline: true } },
    validate: false,
  },
  check: { samples: 5, maxErrors: 0 },
  validate: { suites: [], concurrency: 8, rpm: 600, timeout: 120000, probes: true },
  gateway: { image: 'nginx:stable', port: 8089, tries: 2 },
  backup: { keep: 20 },
  stateDir: '.migrate',
};

const CANARY = { envFiles: ['.env.canary'], traffic: { driver: 'env', weightKey: 'LLM_TARGET_WEIGHT' }, cutover: {} };

/** YAML appended to minimalYaml(), and either the config's sections (as JSON, so key order counts) or every error line. */
const CASES: { name: string; yaml: string; config?: Record<string, unknown>; lines?: string[] }[] = [
  { name: 'no sections', yaml: '', config: {} },
  { name: 'empty sections', yaml: 'ramp: {}\ncheck: {}\nvalidate: {}\ngateway: {}', config: {} },
  {
    name: 'a ramp with every key',
    yaml: `ramp:
  stages: [shadow, 5, 100]
  shadow: 20
  soak: 30s
  interval: 5000
  gates: { maxErrorRate: 0.05, minSamples: "\${MIN_SAMPLES}", errorRetry: 1s }
  sources:
    probes: false
    prometheus: { url: "http://127.0.0.1:9090" }
    command: [./judge.sh]
    gateway: { log: access.log }
  webhook: https://hooks.example/x
  validate: true
  metricsPort: 9464`,
    config: {
      ramp: {
        stages: ['shadow', 5, 100],
        shadow: 20,
        soak: 30000,
        interval: 5000,
        gates: { maxErrorRate: 0.05, maxP95Ms: 3000, maxP95Ratio: 1.2, p95RatioFloorMs: 50, minSamples: 7, alpha: 0.01, maxExtensions: 2, maxSourceErrors: 3, errorRetry: 1000 },
        sources: { probes: false, prometheus: { url: 'http://127.0.0.1:9090', timeoutMs: 5000 }, command: ['./judge.sh'], gateway: { log: 'access.log' } },
        webhook: 'https://hooks.example/x',
        validate: true,
        metricsPort: 9464,
      },
    },
  },
  {
    name: "a ramp's probes",
    yaml: 'ramp:\n  sources:\n    probes: { rps: 5 }\n    gateway: false',
    config: { ramp: { ...DEFAULTS.ramp, sources: { probes: { rps: 5, baseline: true }, gateway: false } } },
  },
  {
    name: 'a ramp with bad values and typos',
    yaml: `ramp:
  stages: [5, 101]
  shadow: 0
  soak: soon
  gates: { maxErorRate: 0.1, alpha: 1, minSamples: 2.5 }
  sources:
    probes: { rps: 0, basline: true }
    prometheus: { url: "ftp://x", timeoutMs: -1, p95ms: "x" }
    webhok: https://x
  metricsPort: 70000
  webhok: https://x`,
    lines: [
      'migrate.yaml: 14 problems',
      'migrate.yaml:11 ramp.stages[1]: must be at most 100',
      'migrate.yaml:12 ramp.shadow: must be greater than 0',
      'migrate.yaml:13 ramp.soak: expected a duration like 500ms, 10s or 5m, got "soon"',
      'migrate.yaml:14 ramp.gates.minSamples: expected a whole number, got a number (2.5)',
      'migrate.yaml:14 ramp.gates.alpha: must be less than 1',
      'migrate.yaml:14 ramp.gates.maxErorRate: unknown key (did you mean "maxErrorRate"?)',
      'migrate.yaml:16 ramp.sources.probes.rps: must be greater than 0',
      'migrate.yaml:16 ramp.sources.probes.basline: unknown key (did you mean "baseline"?)',
      'migrate.yaml:17 ramp.sources.prometheus.url: expected an http:// or https:// URL',
      'migrate.yaml:17 ramp.sources.prometheus.timeoutMs: must be greater than 0',
      'migrate.yaml:17 ramp.sources.prometheus.p95ms: unknown key (did you mean "p95Ms"?)',
      'migrate.yaml:18 ramp.sources.webhok: unknown key (did you mean "webhook"?)',
      'migrate.yaml:19 ramp.metricsPort: must be at most 65535',
      'migrate.yaml:20 ramp.webhok: unknown key (did you mean "webhook"?)',
    ],
  },
  {
    name: 'a ramp with values of the wrong kind',
    yaml: 'ramp:\n  stages: 5\n  gates: []\n  sources: { command: [] }',
    lines: [
      'migrate.yaml: 3 problems',
      'migrate.yaml:11 ramp.stages: expected a list, got a number (5)',
      'migrate.yaml:12 ramp.gates: expected a mapping, got a list',
      'migrate.yaml:13 ramp.sources.command: must not be empty',
    ],
  },
  { name: 'a ramp that is a list', yaml: 'ramp: [5, 20]', lines: ['migrate.yaml:10 ramp: expected a mapping, got a list'] },
  { name: 'check', yaml: 'check: { samples: 10, maxP95Ms: 2500, maxErrors: 1 }', config: { check: { samples: 10, maxP95Ms: 2500, maxErrors: 1 } } },
  {
    name: 'a bad check',
    yaml: 'check: { samples: 0, maxP95ms: 1, maxErrors: -1 }',
    lines: [
      'migrate.yaml: 3 problems',
      'migrate.yaml:10 check.samples: must be greater than 0',
      'migrate.yaml:10 check.maxErrors: must be at least 0',
      'migrate.yaml:10 check.maxP95ms: unknown key (did you mean "maxP95Ms"?)',
    ],
  },
  {
    name: 'validate',
    yaml: 'validate: { suites: [a.yaml], concurrency: 4, rpm: 60, minPassRate: 0.9, timeout: 3m, dailyRequests: 1000, probes: false }',
    config: { validate: { suites: ['a.yaml'], concurrency: 4, rpm: 60, minPassRate: 0.9, timeout: 180000, dailyRequests: 1000, probes: false } },
  },
  {
    name: 'a bad validate',
    yaml: 'validate: { concurrency: 0, probes: "yes", timeout: x, sutes: [a.yaml], minPassRate: 2 }',
    lines: [
      'migrate.yaml: 5 problems',
      'migrate.yaml:10 validate.concurrency: must be greater than 0',
      'migrate.yaml:10 validate.minPassRate: must be at most 1',
      'migrate.yaml:10 validate.timeout: expected a duration like 500ms, 10s or 5m, got "x"',
      'migrate.yaml:10 validate.probes: expected true or false, got a string',
      'migrate.yaml:10 validate.sutes: unknown key (did you mean "suites"?)',
    ],
  },
  {
    name: 'gateway, a port from a variable',
    yaml: 'gateway: { image: "nginx:1.27", port: "${GW_PORT}", networkMode: host, tries: 3 }',
    config: { gateway: { image: 'nginx:1.27', port: 9001, networkMode: 'host', tries: 3 } },
  },
  {
    name: 'a bad gateway',
    yaml: 'gateway: { port: 70000, image: "", trys: 3 }',
    lines: [
      'migrate.yaml: 3 problems',
      'migrate.yaml:10 gateway.image: must not be empty',
      'migrate.yaml:10 gateway.port: must be at most 65535',
      'migrate.yaml:10 gateway.trys: unknown key',
    ],
  },
  {
    name: "an environment's ramp",
    yaml: `environments:
  canary:
    envFiles: [.env.canary]
    ramp:
      stages: [50, 100]
      soak: 1m
      gates: { minSamples: 5 }
      sources: { probes: false, webhook: https://judge.example/x }
      metricsPort: 9465
ramp:
  gates: { maxP95Ms: 1000 }`,
    config: {
      environments: {
        canary: {
          ...CANARY,
          ramp: { stages: [50, 100], soak: 60000, gates: { minSamples: 5 }, sources: { probes: false, webhook: 'https://judge.example/x' }, metricsPort: 9465 },
        },
      },
      ramp: { ...DEFAULTS.ramp, gates: { ...DEFAULTS.ramp.gates, maxP95Ms: 1000 } },
    },
  },
  {
    name: "an environment's bad ramp",
    yaml: `environments:
  canary:
    envFiles: [.env.canary]
    ramp:
      stagess: [50]
      soak: x
      gates: { maxP95: 1, maxErrorRate: 2 }
      sources: { probes: { rps: 0 }, promethus: {} }
      metricsPort: 0`,
    lines: [
      'migrate.yaml: 7 problems',
      'migrate.yaml:14 environments.canary.ramp.stagess: unknown key (did you mean "stages"?)',
      'migrate.yaml:15 environments.canary.ramp.soak: expected a duration like 500ms, 10s or 5m, got "x"',
      'migrate.yaml:16 environments.canary.ramp.gates.maxErrorRate: must be at most 1',
      'migrate.yaml:16 environments.canary.ramp.gates.maxP95: unknown key (did you mean "maxP95Ms"?)',
      'migrate.yaml:17 environments.canary.ramp.sources.probes.rps: must be greater than 0',
      'migrate.yaml:17 environments.canary.ramp.sources.promethus: unknown key (did you mean "prometheus"?)',
      'migrate.yaml:18 environments.canary.ramp.metricsPort: must be at least 1',
    ],
  },
  { name: 'an environment without a ramp', yaml: 'environments:\n  canary:\n    envFiles: [.env.canary]', config: { environments: { canary: CANARY } } },
  {
    name: 'a typo in a section name',
    yaml: 'ramps: {}\ngateways: {}',
    lines: ['migrate.yaml: 2 problems', 'migrate.yaml:10 ramps: unknown key (did you mean "ramp"?)', 'migrate.yaml:11 gateways: unknown key (did you mean "gateway"?)'],
  },
];

async function load(yaml: string) {
  const cwd = project({ 'migrate.yaml': minimalYaml(yaml) });
  return loadConfig({ cwd, processEnv: { ...KEYS, GW_PORT: '9001', MIN_SAMPLES: '7' } });
}

describe('sections built on first use', () => {
  it.each(CASES.filter((c) => c.config))('parse as before: $name', async ({ yaml, config }) => {
    const { providers: _providers, models: _models, version: _version, ...sections } = (await load(yaml)).config;
    expect(JSON.stringify(sections)).toBe(JSON.stringify({ ...DEFAULTS, ...config }));
  });

  it.each(CASES.filter((c) => c.lines))('report bad input as before: $name', async ({ yaml, lines }) => {
    const err = await load(yaml).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect([(err as UsageError).message, ...(err as UsageError).details]).toEqual(lines);
  });

  // The defaults are plain values so an absent section builds nothing; the section's schema must
  // still produce exactly them for an empty section (a field added with a default and not to the
  // values, or the other way round, fails here). JSON, so the order of keys counts too.
  it.each([
    ['ramp', rampSchema, RAMP_DEFAULTS],
    ['ramp.gates', gatesSchema, GATES_DEFAULTS],
    ['ramp.sources', sourcesSchema, SOURCES_DEFAULTS],
    ['check', checkSchema, CHECK_DEFAULTS],
    ['validate', validateSchema, VALIDATE_DEFAULTS],
    ['gateway', gatewaySchema, GATEWAY_DEFAULTS],
  ] as const)('%s: the defaults are what its schema makes of {}', (_name, schema, defaults) => {
    expect(JSON.stringify(schema().parse({}))).toBe(JSON.stringify(defaults));
  });

  it('gives each parse its own defaults: changing one config changes no other, nor the defaults', () => {
    const input = { version: 1, providers: { legacy: { baseUrl: 'https://a/v1', apiKey: 'k' }, target: { baseUrl: 'https://b/v1', apiKey: 'k' } }, models: ['m'] };
    const first = configSchema.parse(input);
    const second = configSchema.parse({ ...input, ramp: {} });
    first.ramp.gates.maxErrorRate = 0.5;
    first.ramp.stages.push(7);
    (first.ramp.sources.probes as { rps: number }).rps = 9;
    first.validate.suites.push('x.yaml');
    second.ramp.gates.minSamples = 1;
    const third = configSchema.parse(input);
    expect(JSON.stringify(third)).toBe(JSON.stringify(configSchema.parse(structuredClone(input))));
    expect(third.ramp).toEqual(DEFAULTS.ramp);
    expect(third.validate).toEqual(DEFAULTS.validate);
    expect(second.ramp.sources.probes).toEqual({ rps: 2, baseline: true });
    expect(RAMP_DEFAULTS).toEqual(DEFAULTS.ramp);
  });
});
