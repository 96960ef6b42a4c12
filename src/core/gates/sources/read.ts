import { evaluate } from '../evaluate.js';
import type { Check, GateSource, Thresholds, WindowSpec } from '../types.js';

/** Read every source for the window at once and judge each reading. */
export async function readChecks(sources: GateSource[], window: WindowSpec, limits: Thresholds): Promise<Check[]> {
  const readings = await Promise.all(
    sources.map((s) =>
      s.read(window).catch((err: unknown) => {
        if (window.signal?.aborted) throw err;
        // A source must not throw, but if one does it is that source's error, never a pass.
        return { source: s.name, kind: 'error' as const, message: (err as Error).message ?? String(err) };
      }),
    ),
  );
  return readings.map((r) => evaluate(r, limits));
}
