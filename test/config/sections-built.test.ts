// A file without a ramp, check, validate or gateway section (a rollback's, among many) must not
// pay for building their schemas (src/core/config/schema.ts). Observed, not timed: zod's
// strictObject is wrapped to record the keys of each object schema built; it still builds them.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Zod from '../../src/core/zod.js';

const built = vi.hoisted(() => [] as string[][]);
vi.mock('../../src/core/zod.js', async (importOriginal) => {
  const z = await importOriginal<typeof Zod>();
  return { ...z, strictObject: ((shape: Record<string, never>, params?: never) => (built.push(Object.keys(shape)), z.strictObject(shape, params))) as typeof z.strictObject };
});
const { configSchema } = await import('../../src/core/config/schema.js');

/** One key each of the sections' own object schemas and of an environment's ramp. */
const SECTIONS = { gates: 'maxErrorRate', sources: 'probes', prometheus: 'baselineP95Ms', ramp: 'stages', check: 'samples', validate: 'concurrency', gateway: 'image' };
const builtSections = () => Object.entries(SECTIONS).flatMap(([name, key]) => (built.some((keys) => keys.includes(key)) ? [name] : []));

const base = {
  version: 1,
  providers: { legacy: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k' }, target: { baseUrl: 'http://127.0.0.1:10/v1', apiKey: 'k' } },
  models: ['gpt-4.1'],
  environments: { canary: { envFiles: ['.env.canary'], compose: { files: ['docker-compose.yml'], services: ['app'] } } },
};

describe('building the config schema', () => {
  beforeEach(() => void built.splice(0));

  it('builds no section schema for a file without those sections, and fills in their defaults', () => {
    const config = configSchema.parse(base);
    expect(config.ramp.gates.maxErrorRate).toBe(0.01);
    expect(config.check.samples).toBe(5);
    expect(builtSections()).toEqual([]);
    // Bad input is reported without building them either.
    expect(configSchema.safeParse({ ...base, models: [] }).success).toBe(false);
    expect(builtSections()).toEqual([]);
  });

  it("builds a section when the file has it (so the check above can fail), an environment's ramp too", () => {
    expect(configSchema.parse({ ...base, check: {} }).check.samples).toBe(5);
    expect(builtSections()).toEqual(['check']);
    configSchema.parse({ ...base, environments: { canary: { ...base.environments.canary, ramp: { soak: '1m' } } } });
    expect(builtSections()).toEqual(['gates', 'sources', 'prometheus', 'ramp', 'check']);
  });
});
