import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { ensurePrivateDir } from '../state/paths.js';
import { assertStateDirTrusted, assertTrusted } from '../state/trust.js';
import type { ValidationReport } from './report.js';

// The last validation's report (already redacted), kept in the state directory so
// `migrate report` can show what the suite said next to the ramp.

export function lastValidationFile(stateDir: string): string {
  return path.join(stateDir, 'validate', 'last.json');
}

/** Replace the kept report; 0600 like everything under the state directory. */
export async function keepLastValidation(stateDir: string, report: ValidationReport): Promise<void> {
  await assertStateDirTrusted(stateDir);
  await ensurePrivateDir(path.dirname(lastValidationFile(stateDir)));
  await writeFileAtomic(lastValidationFile(stateDir), `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600, private: true });
}

/** The kept report, or undefined when no validation ran (or the file is not one: a report shows without it). */
export async function readLastValidation(stateDir: string): Promise<ValidationReport | undefined> {
  const file = lastValidationFile(stateDir);
  await assertTrusted(stateDir, path.dirname(file), file);
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const report = JSON.parse(text) as ValidationReport;
    return report && typeof report === 'object' && Array.isArray(report.cases) && report.providers ? report : undefined;
  } catch {
    return undefined;
  }
}
