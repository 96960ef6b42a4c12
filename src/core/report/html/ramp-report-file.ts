import path from 'node:path';
import { UsageError } from '../../../errors.js';
import type { LoadedConfig } from '../../config/load.js';
import { Redactor } from '../../redact.js';
import { resolveStateDir } from '../../state/paths.js';
import { loadRampState } from '../../state/ramp.js';
import { readLastValidation } from '../../validate/last.js';
import { renderRampReport } from './ramp.js';

/** The HTML of `environment`'s last ramp, read from the state directory; redacted twice (data, then page). */
export async function rampReportHtml(loaded: LoadedConfig, environment: string, version: string, now = new Date()): Promise<{ html: string; decisions: number }> {
  const stateDir = resolveStateDir(loaded.dir, loaded.config.stateDir);
  const state = await loadRampState(stateDir, environment);
  if (!state) {
    throw new UsageError(`no ramp of ${environment} is recorded in ${path.join(stateDir, 'state')}: nothing to report`, {
      hint: `run \`migrate ramp --env ${environment}\` first`,
    });
  }
  const redactor = new Redactor(loaded.secrets);
  const validation = await readLastValidation(stateDir);
  const html = renderRampReport({ state: redactor.value(state), validation: validation && redactor.value(validation), generatedAt: now, version });
  return { html: redactor.text(html), decisions: state.gates.length };
}
