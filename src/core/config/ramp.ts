import type { Config, EnvironmentConfig, RampConfig } from './schema.js';

/** The top-level ramp block with the environment's overrides on top (gates merged key by key). */
export function effectiveRamp(config: Config, environment: EnvironmentConfig): RampConfig {
  const top = config.ramp;
  const own = environment.ramp ?? {};
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    ...top,
    ...defined({ stages: own.stages, shadow: own.shadow, soak: own.soak, interval: own.interval, webhook: own.webhook, validate: own.validate, metricsPort: own.metricsPort }),
    gates: { ...top.gates, ...defined(own.gates ?? {}) },
    sources: { ...top.sources, ...defined(own.sources ?? {}) },
  };
}
