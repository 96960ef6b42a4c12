import type { LoadedConfig } from '../config/load.js';
import { type DoctorCheck, failed, passed, skipped } from './types.js';

/** Backup ids, gate windows and the audit log are stamped with this clock; TLS fails on a wrong one. */
const MAX_SKEW_S = 30;
const TIMEOUT_MS = 3000;

/**
 * Compares the local clock with the Date header of a configured provider's answer. No key is
 * sent: any answer, a 401 too, carries the server's time. Unreachable within 3 s: skipped.
 */
export async function clockCheck(loaded: LoadedConfig | undefined, now: () => number = Date.now): Promise<DoctorCheck> {
  if (!loaded) return skipped('clock', 'not compared: no valid config names a provider to ask');
  const urls = [loaded.config.providers.legacy.baseUrl, loaded.config.providers.target.baseUrl];
  for (const baseUrl of urls) {
    const origin = originOf(baseUrl);
    if (!origin) continue;
    const sent = now();
    const date = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, { signal: AbortSignal.timeout(TIMEOUT_MS) })
      .then(async (res) => (await res.body?.cancel(), res.headers.get('date')))
      .catch(() => null);
    const server = date ? Date.parse(date) : NaN;
    if (Number.isNaN(server)) continue;
    // The header was stamped somewhere during the round trip, and truncated to the second.
    const local = (sent + now()) / 2;
    const skew = Math.round((local - (server + 500)) / 1000);
    const detail = skew === 0 ? `in step with ${origin}` : `${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} ${origin}`;
    if (Math.abs(skew) <= MAX_SKEW_S) return passed('clock', detail);
    return failed('clock', detail, 'sync the clock (`sudo timedatectl set-ntp true`, or chrony/ntpd): backup ids, gate windows and TLS rely on it');
  }
  return skipped('clock', `not compared: no provider answered with a Date header within ${TIMEOUT_MS / 1000} s`);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
