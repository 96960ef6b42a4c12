// Where `migrate check` takes its limits from: --max-p95/--max-errors, else check.maxP95Ms and
// check.maxErrors, else ramp.gates.maxP95Ms (and maxErrors 0). The fake's fixed latency and
// counted errors make each verdict certain.
import { describe, expect, it } from 'vitest';
import type { Faults } from '../helpers/fake-provider.js';
import { check, configYaml, endpoint, expectExit, json, providers } from './helpers.js';

/** Checks a target with `faults` under a config with `extra` top-level YAML. */
async function checkWith(faults: Faults, extra: string[], args: string[]) {
  const { legacy, target } = await providers({ faults });
  const result = await check(configYaml({ legacyUrl: legacy.url, targetUrl: target.url, extra }), ['--provider', 'target', '--json', ...args]);
  return { result, main: endpoint(json(result), 'target') };
}

describe('migrate check: thresholds from the config', () => {
  const slow: Faults = { latency: 120 };

  it('fails on ramp.gates.maxP95Ms; check.maxP95Ms overrides it and --max-p95 overrides both', async () => {
    const gates = await checkWith(slow, ['ramp:', '  gates: { maxP95Ms: 60 }'], ['--samples', '2']);
    expectExit(gates.result, 1);
    expect(gates.main.problems).toContainEqual(expect.objectContaining({ check: 'latency', message: expect.stringMatching(/^p95 total \d+ms > 60ms$/) }));

    const own = ['check: { maxP95Ms: 1000 }', 'ramp:', '  gates: { maxP95Ms: 60 }'];
    const relaxed = await checkWith(slow, own, ['--samples', '2']);
    expectExit(relaxed.result, 0);
    expect(relaxed.main.verdict).toBe('pass');

    const flag = await checkWith(slow, own, ['--samples', '2', '--max-p95', '80']);
    expectExit(flag.result, 1);
    expect(flag.main.problems).toContainEqual(expect.objectContaining({ check: 'latency', message: expect.stringMatching(/^p95 total \d+ms > 80ms$/) }));
  });

  it('fails on more sample errors than check.maxErrors (default 0); --max-errors overrides it', async () => {
    // chat, stream and the warm-up come first; then 2 of the 4 samples get a 503.
    const twoSampleErrors: Faults = { error: { afterN: 3, firstN: 5, status: 503 } };
    const byDefault = await checkWith(twoSampleErrors, [], ['--samples', '4']);
    expectExit(byDefault.result, 1);
    expect(byDefault.main.problems).toContainEqual(expect.objectContaining({ check: 'samples', message: expect.stringMatching(/timed requests? failed \(max 0;/) }));

    const configured = await checkWith(twoSampleErrors, ['check: { maxErrors: 2 }'], ['--samples', '4']);
    expectExit(configured.result, 0);
    expect(configured.main.samples).toMatchObject({ requested: 4, sent: 4, errors: 2 });

    const flag = await checkWith(twoSampleErrors, ['check: { maxErrors: 2 }'], ['--samples', '4', '--max-errors', '1']);
    expectExit(flag.result, 1);
    expect(flag.main.problems).toContainEqual(expect.objectContaining({ check: 'samples', message: expect.stringContaining('(max 1;') }));
  });
});
