import { describe, expect, it, vi } from 'vitest';
import type { ProviderConfig } from '../../src/core/config/schema.js';
import type { ProbeResponse, RequestSpec } from '../../src/core/http/types.js';
import { runValidation, type Requester } from '../../src/core/validate/run.js';
import type { CaseRun } from '../../src/core/validate/suite.js';

// Answers come in bursts: every request in flight has about the same delay. Reading an answer
// (the conformance checks) costs CPU, so a worker that read its answer before sending its next
// request held that request back by the time it took to read the answers ahead of it in the burst.
// The requester here is a stub (this is about ordering on one event loop, which no real provider
// can make deterministic): it releases answers when told, and logs when run.ts first looks at one.

const provider = { baseUrl: 'http://provider.invalid/v1', apiKey: 'sk-test-0000', headers: {}, nodes: [], timeoutMs: 5000 } as unknown as ProviderConfig;

const runOf = (i: number): CaseRun => ({
  key: `c${i}`,
  caseId: `c${i}`,
  file: 'suite.yaml',
  line: i + 1,
  params: {},
  messages: [{ role: 'user', content: 'Reply "PONG"' }],
  assertions: [{ type: 'icontains', negate: false, value: 'pong', name: 'icontains' }],
});

function answer(spec: RequestSpec): ProbeResponse {
  const body = JSON.parse(JSON.stringify(spec.body)) as { model: string };
  const json = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'PONG', refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  };
  return { ok: true, status: 200, headers: { 'content-type': 'application/json' }, json, timings: { totalMs: 50 }, attempts: [] };
}

describe('a burst of answers', () => {
  it('does not hold back the next requests: each worker sends before the burst is read', async () => {
    const log: string[] = [];
    const waiting: Array<() => void> = [];
    const client: Requester = {
      request(spec) {
        const n = log.filter((l) => l.startsWith('send')).length;
        log.push(`send ${n}`);
        const read = new Set<number>();
        // The first property run.ts reads (awaiting it reads `then`, which is not reading it).
        const watched = (r: ProbeResponse) =>
          new Proxy(r, {
            get(target, key, receiver) {
              if (key !== 'then' && !read.has(n)) {
                read.add(n);
                log.push(`read ${n}`);
              }
              return Reflect.get(target, key, receiver) as unknown;
            },
          });
        return new Promise((resolve) => waiting.push(() => resolve(watched(answer(spec)))));
      },
    };
    const releaseAll = () => waiting.splice(0).forEach((release) => release());

    const run = runValidation({
      runs: Array.from({ length: 8 }, (_, i) => runOf(i)),
      providers: { legacy: provider },
      defaultModel: 'gpt-4.1',
      concurrency: 4,
      rpm: { legacy: 1_000_000, target: 1_000_000 },
      totalTimeoutMs: 10_000,
      signal: new AbortController().signal,
      client,
      probes: false,
    });
    await vi.waitFor(() => expect(waiting).toHaveLength(4));
    releaseAll(); // the first four answers arrive together
    await vi.waitFor(() => expect(waiting).toHaveLength(4));
    releaseAll();
    const result = await run;

    const firstRead = log.indexOf('read 0');
    expect(log.slice(0, firstRead)).toEqual(['send 0', 'send 1', 'send 2', 'send 3', 'send 4', 'send 5', 'send 6', 'send 7']);
    // Every answer was still read and judged.
    expect(log.filter((l) => l.startsWith('read'))).toHaveLength(8);
    expect(result.cases.map((c) => [c.run.key, c.verdict, c.legacy?.status])).toEqual(Array.from({ length: 8 }, (_, i) => [`c${i}`, 'pass', 'pass']));
  });
});
