// Writes a chat completion as server-sent events, with the stream faults applied at the
// framing level: cut off mid-way, no [DONE], or a data line that is not JSON.
import type { ServerResponse } from 'node:http';
import { gone, pause } from './http-io.js';

export interface StreamFaults {
  /** Send this many chunks (at least one), then destroy the socket. */
  truncateAfter?: number;
  noDone?: boolean;
  malformed?: boolean;
  chunkDelayMs?: number;
}

export async function writeSse(res: ServerResponse, chunks: object[], faults: StreamFaults): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const cutAt = faults.truncateAfter === undefined ? undefined : Math.min(Math.max(1, faults.truncateAfter), chunks.length);
  const last = (cutAt ?? chunks.length) - 1;
  // The broken line replaces the second chunk, after the client has seen a good one.
  const brokenAt = faults.malformed ? Math.min(1, last) : -1;
  for (let i = 0; i <= last; i++) {
    if (gone(res)) return;
    const json = JSON.stringify(chunks[i]);
    const frame = `data: ${i === brokenAt ? json.slice(0, 40) + '<<not json' : json}\n\n`;
    if (i === last && cutAt !== undefined) {
      // Destroy only once the frame is flushed, so the client sees it before the cut.
      res.write(frame, () => res.socket?.destroy());
      return;
    }
    res.write(frame);
    if (i < last) await pause(faults.chunkDelayMs ?? 0, res);
  }
  if (gone(res)) return;
  if (!faults.noDone) res.write('data: [DONE]\n\n');
  res.end();
}

/** A plain JSON body, cut in half (socket destroyed) or made unparsable. */
export function writeBrokenJson(res: ServerResponse, body: object, how: 'truncate' | 'malformed'): void {
  const text = JSON.stringify(body);
  const half = text.slice(0, Math.floor(text.length / 2));
  if (how === 'malformed') {
    const broken = `${half}<<not json`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(broken) });
    res.end(broken);
    return;
  }
  // Announce the full length, send half: the client sees a body that ends early.
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.write(half, () => res.socket?.destroy());
}
