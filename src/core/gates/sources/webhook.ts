import type { GateSource, Reading, WindowSpec } from '../types.js';
import { oneLine, parseVerdict } from './verdict.js';

export interface WebhookSourceOptions {
  url: string;
  timeoutMs?: number;
}

/**
 * POSTs the stage as JSON and expects `{"verdict": "pass|fail|inconclusive"}` back. Anything
 * else (no answer, non-2xx, no verdict) is a source error: it tells us nothing about the target.
 */
export function webhookSource(opts: WebhookSourceOptions): GateSource {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const where = safeUrl(opts.url);
  return {
    name: 'webhook',
    async read(w: WindowSpec): Promise<Reading> {
      const body = {
        environment: w.environment,
        stage: w.stageIndex + 1,
        weight: w.weight,
        window: { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() },
      };
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        const res = await fetch(opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
          signal: w.signal ? AbortSignal.any([w.signal, timeout]) : timeout,
        });
        const text = await res.text();
        if (!res.ok) return error(`${where} answered HTTP ${res.status}`);
        const answer = parseVerdict(text);
        if (!answer) return error(`${where} answered without {"verdict": "pass|fail|inconclusive"}: ${oneLine(text, 80)}`);
        return { source: 'webhook', kind: 'verdict', verdict: answer.verdict, detail: answer.reason };
      } catch (err) {
        const e = err as { name?: string; cause?: { code?: string }; message?: string };
        if (w.signal?.aborted) throw w.signal.reason;
        const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs}ms` : (e.cause?.code ?? e.message ?? String(err));
        return error(`${where} unreachable: ${why}`);
      }
    },
  };
}

function error(message: string): Reading {
  return { source: 'webhook', kind: 'error', message };
}

/** Webhook URLs often carry a token in the path or query: show only the origin. */
function safeUrl(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return 'webhook';
  }
}
