// Tests import the fake provider from here; the code lives in src/testing so the demo and
// benchmarks can run the compiled copy with plain node.
export * from '../../src/testing/fake-provider.js';
export type { DefectsSpec, Faults, FaultsPatch, SelectorSpec } from '../../src/testing/faults-schema.js';
export type { RequestFilter, RequestRecord } from '../../src/testing/request-log.js';
