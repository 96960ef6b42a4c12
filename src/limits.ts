// Every sample and probe is a request the provider bills or rate-limits: a typo such as
// `--rps 1000000` or `samples: 99999999` must be refused, not sent. Shared by the flags (program.ts,
// which stays free of heavy imports) and the config schema.
export const LIMITS = {
  /** check: timed requests per node. */
  samples: 1000,
  /** ramp: probe requests per second to each provider. */
  rps: 100,
  /** validate: requests in flight. */
  concurrency: 256,
} as const;
