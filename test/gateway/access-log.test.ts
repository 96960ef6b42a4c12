// The gateway's access-log reader on real files: continuing from a cursor, rotation,
// truncation, a half-written last line, malformed lines and failover lists.
import { appendFile, chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { boundLog, cursorAtEnd, readSince } from '../../src/core/gateway/access-log.js';
import { parseLogLine } from '../../src/core/gateway/log-entry.js';
import { nodeMap, trafficByProvider } from '../../src/core/gateway/traffic-stats.js';
import { hopAddress } from '../../src/core/traffic/nginx-hops.js';
import { tempProject } from '../helpers/project.js';

/** One line as nginx writes it: every value a string. */
function line(over: Record<string, string> = {}): string {
  return (
    JSON.stringify({
      time: '2026-12-04T14:00:00+00:00',
      request_id: 'r1',
      environment: 'canary',
      provider: 'target',
      upstream: '127.0.0.1:8001',
      status: '200',
      upstream_status: '200',
      request_time: '0.812',
      upstream_header_time: '0.240',
      upstream_connect_time: '0.001',
      mirror: '0',
      ...over,
    }) + '\n'
  );
}

let dir: string;
let file: string;
beforeEach(async () => {
  dir = tempProject('migrate-log-');
  file = path.join(dir, 'access.json.log');
  await writeFile(file, line({ request_id: 'before' }));
});

describe('readSince', () => {
  it('reads only what was written after the cursor, and continues from there', async () => {
    const start = await cursorAtEnd(file);
    await appendFile(file, line({ request_id: 'a' }) + line({ request_id: 'b' }));
    const first = await readSince(file, start);
    expect(first.entries.map((e) => e.requestId)).toEqual(['a', 'b']);
    await appendFile(file, line({ request_id: 'c' }));
    const second = await readSince(file, first.cursor);
    expect(second.entries.map((e) => e.requestId)).toEqual(['c']);
    expect((await readSince(file, second.cursor)).entries).toEqual([]);
  });

  it('keeps a half-written last line for the next read', async () => {
    const start = await cursorAtEnd(file);
    const whole = line({ request_id: 'split' });
    await appendFile(file, whole.slice(0, 40));
    const first = await readSince(file, start);
    expect(first).toMatchObject({ entries: [], malformed: 0 });
    await appendFile(file, whole.slice(40));
    expect((await readSince(file, first.cursor)).entries.map((e) => e.requestId)).toEqual(['split']);
  });

  it('keeps a multi-byte character cut between reads whole', async () => {
    const start = await cursorAtEnd(file);
    const bytes = Buffer.from(line({ request_id: 'é-id' }));
    const cut = bytes.indexOf(Buffer.from('é')) + 1; // inside the two-byte é
    await appendFile(file, bytes.subarray(0, cut));
    const first = await readSince(file, start);
    await appendFile(file, bytes.subarray(cut));
    expect((await readSince(file, first.cursor)).entries.map((e) => e.requestId)).toEqual(['é-id']);
  });

  it('starts from 0 after rotation (a new inode) and after truncation (a shorter file)', async () => {
    await appendFile(file, line({ request_id: 'x' }) + line({ request_id: 'y' }));
    const start = await cursorAtEnd(file);
    await rename(file, `${file}.1`);
    await writeFile(file, line({ request_id: 'rotated' }));
    const rotated = await readSince(file, start);
    expect(rotated.entries.map((e) => e.requestId)).toEqual(['rotated']);
    await writeFile(file, ''); // copy-truncate style: same inode, size 0
    await appendFile(file, line({ request_id: 'after-truncate' }));
    expect((await readSince(file, rotated.cursor)).entries.map((e) => e.requestId)).toEqual(['after-truncate']);
  });

  it('skips and counts lines that are not access-log entries', async () => {
    const start = await cursorAtEnd(file);
    await appendFile(file, 'not json\n' + '{"provider":"target"}\n' + line({ provider: 'other' }) + '\n' + line({ request_id: 'ok' }));
    const r = await readSince(file, start);
    expect(r.entries.map((e) => e.requestId)).toEqual(['ok']);
    expect(r.malformed).toBe(3);
  });

  it('throws when the log is gone, so the source reports an error', async () => {
    const start = await cursorAtEnd(file);
    await rm(file);
    await expect(readSince(file, start)).rejects.toThrow(/ENOENT/);
  });
});

describe('boundLog', () => {
  it('truncates a log over the bound in place: same inode, owner and mode', async () => {
    await chmod(file, 0o640);
    const before = await stat(file);
    expect(await boundLog(file, 10 * before.size)).toBe(false);
    expect(await boundLog(file, before.size - 1)).toBe(true);
    const after = await stat(file);
    expect(after).toMatchObject({ size: 0, ino: before.ino, uid: before.uid, gid: before.gid, mode: before.mode });
  });
});

describe('parsing and classifying a line', () => {
  const parse = (over: Record<string, string>) => parseLogLine(line(over).trim())!;

  it('takes TTFB from the last try of a failover list and records every try', () => {
    const e = parse({ upstream: '127.0.0.1:8001, 127.0.0.1:8002', upstream_status: '502, 200', upstream_header_time: '-, 0.240', request_time: '0.300' });
    expect(e).toMatchObject({ status: 200, totalMs: 300, ttfbMs: 240 });
    expect(e.error).toBeUndefined(); // the user got a 200: the failed try shows on the node, not as an error
    expect(e.tries).toEqual([
      { address: '127.0.0.1:8001', status: 502, headerMs: undefined },
      { address: '127.0.0.1:8002', status: 200, headerMs: 240 },
    ]);
  });

  it("tells a connect error and a timeout (nginx answered itself) from the provider's own 5xx and 429", () => {
    expect(parse({ status: '502', upstream_status: '502', upstream_header_time: '-' }).error).toBe('connect');
    expect(parse({ status: '504', upstream_status: '504', upstream_header_time: '-' }).error).toBe('timeout');
    expect(parse({ status: '502', upstream: '-', upstream_status: '-', upstream_header_time: '-' }).error).toBe('connect');
    expect(parse({ status: '502', upstream_status: '502', upstream_header_time: '0.010' }).error).toBe('server');
    expect(parse({ status: '503', upstream_status: '503', upstream_header_time: '0.010' }).error).toBe('server');
    expect(parse({ status: '429', upstream_status: '429' }).error).toBe('rateLimited');
    expect(parse({ status: '400', upstream_status: '400' }).error).toBeUndefined();
  });

  it('without upstream_header_time, an upstream_status of "-" or the same 502/504 stands for no answer', () => {
    const bare = (over: Record<string, string>) => {
      const o = JSON.parse(line(over)) as Record<string, string>;
      delete o.upstream_header_time;
      return parseLogLine(JSON.stringify(o))!;
    };
    expect(bare({ status: '504', upstream_status: '504' }).error).toBe('timeout');
    expect(bare({ status: '502', upstream_status: '-' }).error).toBe('connect');
    expect(bare({ status: '502', upstream_status: '500' }).error).toBe('server');
  });

  it('prefers msec for the time when the log has it', () => {
    expect(parse({ msec: '1796392800.123' }).at).toBe(1796392800123);
    expect(parse({}).at).toBe(Date.parse('2026-12-04T14:00:00Z'));
  });
});

describe('trafficByProvider', () => {
  it('counts per provider, error kinds, percentiles and per node (failover: a failed try on the first node)', () => {
    const lines = [
      line({ upstream: '127.0.0.1:8001, 127.0.0.1:8002', upstream_status: '502, 200', upstream_header_time: '-, 0.100', request_time: '0.200' }),
      line({ upstream: '127.0.0.1:8002', status: '504', upstream_status: '504', upstream_header_time: '-', request_time: '30.000' }),
      line({ upstream: '10.9.9.9:443', status: '429', upstream_status: '429', request_time: '0.050' }),
      line({ provider: 'legacy', upstream: '127.0.0.1:9000', request_time: '0.100' }),
    ];
    const entries = lines.map((l) => parseLogLine(l.trim())!);
    const nodes = {
      legacy: nodeMap('legacy', { baseUrl: 'http://127.0.0.1:9000/v1' }),
      target: nodeMap('target', {
        baseUrl: 'http://127.0.0.1:8001/v1',
        nodes: [
          { id: 'east', baseUrl: 'http://127.0.0.1:8001/v1' },
          { id: 'north', baseUrl: 'http://127.0.0.1:8002/v1' },
        ],
      }),
    };
    const t = trafficByProvider(entries, nodes);
    expect(t.target).toMatchObject({ requests: 3, errors: 2, errorKinds: { server: 0, rateLimited: 1, connect: 0, timeout: 1 } });
    expect(t.target.nodes).toEqual({
      east: { requests: 1, errors: 1, failovers: 1 },
      north: { requests: 2, errors: 1, failovers: 0 },
      '10.9.9.9:443': { requests: 1, errors: 1, failovers: 0 },
    });
    expect(t.target.total).toMatchObject({ p50: 200, p95: 30000 });
    expect(t.target.ttfb).toMatchObject({ count: 2, p50: 100, max: 240 }); // the 504 never got a header
    expect(t.legacy).toMatchObject({ requests: 1, errors: 0, nodes: { legacy: { requests: 1, errors: 0 } } });
  });

  it('names the node behind each hop address (a provider whose nodes live on other hosts)', () => {
    const target = {
      baseUrl: 'https://a.example/v1',
      apiKey: 'sk-a',
      nodes: [
        { id: 'a', baseUrl: 'https://a.example/v1' },
        { id: 'b', baseUrl: 'https://b.example/v1', apiKey: 'sk-b' },
      ],
    };
    const hop = (id: string) => hopAddress('canary', 'target', id);
    const entry = parseLogLine(line({ upstream: `${hop('a')}, ${hop('b')}`, upstream_status: '502, 200', upstream_header_time: '-, 0.100' }).trim())!;
    const nodes = { legacy: nodeMap('legacy', { baseUrl: 'http://127.0.0.1:9000/v1' }), target: nodeMap('target', target, 'canary') };
    expect(trafficByProvider([entry], nodes).target.nodes).toEqual({ a: { requests: 1, errors: 1, failovers: 1 }, b: { requests: 1, errors: 0, failovers: 0 } });
  });
});
