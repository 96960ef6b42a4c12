// Small helpers for reading requests and writing replies on node:http.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorReply } from './openai-errors.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The raw body as text; rejects bodies over 16 MiB (tests never need more). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, reply: ErrorReply): void {
  sendJson(res, reply.status, reply.body, reply.headers);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Resolves after `ms`, or early when the client goes away (so a closed fake exits promptly). */
export function pause(ms: number, res: ServerResponse): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    res.once('close', done);
    function done(): void {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
  });
}

/** The connection is gone: stop writing. */
export function gone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded;
}
