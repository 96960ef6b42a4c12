import { promises as fs } from 'node:fs';

// Counts per provider from the gateway's JSON access log (one object a line, the include's
// log_format), for `gateway status`. The ramp's real-traffic figures read the same file.

export interface ProviderCount {
  requests: number;
  /** 5xx and 429 answers, and requests nginx could not send (status 502/504 from nginx itself). */
  errors: number;
}

export async function countByProvider(file: string): Promise<Record<string, ProviderCount> | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const counts: Record<string, ProviderCount> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry: { provider?: unknown; status?: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // a line cut off mid-write
    }
    const provider = typeof entry.provider === 'string' && entry.provider ? entry.provider : 'unknown';
    const status = Number(entry.status);
    const c = (counts[provider] ??= { requests: 0, errors: 0 });
    c.requests++;
    if (status >= 500 || status === 429) c.errors++;
  }
  return counts;
}
