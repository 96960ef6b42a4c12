import { UsageError } from '../../errors.js';
import { formatDuration } from '../config/duration.js';
import type { RampSettings } from './settings.js';

/**
 * A plan whose probes cannot reach minSamples in a soak window can never pass: every stage would
 * be inconclusive, extended, then rolled back. Gates judge each source alone and the worst wins,
 * so the probes must reach minSamples by themselves: target gets `rps` probes a second (legacy,
 * the baseline, as many), counted over a window as long as the soak. Other sources (Prometheus,
 * a command, a webhook) have no known rate and are not counted.
 */
export function assertPlanCanPass(settings: Pick<RampSettings, 'soakMs' | 'gates' | 'sources'>): void {
  const probes = settings.sources.probes;
  const needed = settings.gates.minSamples;
  if (probes === false || needed === 0) return;
  const seconds = settings.soakMs / 1000;
  const expected = expectedProbes(settings);
  if (expected >= needed) return;
  const soakTo = Math.ceil(needed / probes.rps);
  const rpsTo = Math.ceil(needed / seconds);
  throw new UsageError(
    `stage soak ${formatDuration(settings.soakMs)} × ${probes.rps} rps = ${expected} probe requests < minSamples ${needed}: the gates can never pass; raise --soak to ${soakTo}s, --rps to ${rpsTo}, or lower --min-samples to ${expected}`,
    { hint: "or change ramp.soak, ramp.sources.probes.rps or ramp.gates.minSamples (or the environment's ramp block) in migrate.yaml" },
  );
}

function expectedProbes(settings: Pick<RampSettings, 'soakMs' | 'sources'>): number {
  const probes = settings.sources.probes;
  return probes === false ? 0 : Math.floor((settings.soakMs / 1000) * probes.rps);
}

/** The same arithmetic for a plan that can pass, so `--dry-run` shows why it can. */
export function sampleArithmetic(settings: Pick<RampSettings, 'soakMs' | 'gates' | 'sources'>): string {
  const probes = settings.sources.probes;
  const needed = settings.gates.minSamples;
  if (probes === false) return `each stage: probes off; the gates need minSamples ${needed} from the other traffic sources`;
  // In seconds, whatever the soak's size, so the product can be checked by eye.
  return `each stage: soak ${Number((settings.soakMs / 1000).toFixed(3))}s × ${probes.rps} rps = ${expectedProbes(settings)} probe requests ≥ minSamples ${needed}`;
}
