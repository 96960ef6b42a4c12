import { UsageError } from '../../errors.js';
import type { LoadedConfig } from './load.js';

/** `--strict`: a config that only loads with warnings (a key sent over http://, say) is refused, for CI. */
export function refuseWarnings(loaded: LoadedConfig): void {
  const n = loaded.warnings.length;
  if (n === 0) return;
  throw new UsageError(`${loaded.name}: ${n} warning${n === 1 ? '' : 's'}, and --strict treats them as errors`, {
    details: loaded.warnings,
    hint: 'fix what the warnings name, or run without --strict',
  });
}
