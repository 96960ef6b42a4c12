import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { parseLogLine, type LogEntry, type Role } from './log-entry.js';
import { trafficByProvider, type NodeCounts, type NodeMap } from './traffic-stats.js';

// Reads the gateway's access log incrementally: each read continues from where the last one
// stopped, so a window costs only the bytes written since. nginx appends whole lines, but a
// read can land mid-line: the unfinished tail waits for the next read.

export interface LogCursor {
  offset: number;
  /** The file's inode when the offset was taken: another inode means the log was rotated. */
  ino: number;
  /** Bytes after the last newline, not yet a line. */
  partial: Buffer;
  /**
   * The file's first bytes when the offset was taken. A log truncated and written past the old
   * offset before the next read keeps its inode and looks grown; its new first line does not match.
   */
  head: Buffer;
}

const HEAD_BYTES = 64;

export interface LogRead {
  entries: LogEntry[];
  /** Lines that were not an access-log entry (garbled, another format); skipped. */
  malformed: number;
  cursor: LogCursor;
}

/** A cursor at the log's current end: what is written from now on is the window's. */
export async function cursorAtEnd(file: string): Promise<LogCursor> {
  const handle = await open(file, 'r');
  try {
    const s = await handle.stat();
    return { offset: s.size, ino: s.ino, partial: Buffer.alloc(0), head: await headOf(handle, s.size) };
  } finally {
    await handle.close();
  }
}

/** A cursor at the start of the log (after migrate truncated it). */
export function cursorAtStart(ino: number): LogCursor {
  return { offset: 0, ino, partial: Buffer.alloc(0), head: Buffer.alloc(0) };
}

async function headOf(handle: FileHandle, size: number): Promise<Buffer> {
  const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  return head.subarray(0, bytesRead);
}

/**
 * Everything written since the cursor. A log that was rotated (new inode) or truncated (now
 * shorter than the cursor) is read from its start; the old file's unread tail is lost, which
 * costs a window some samples, never a wrong count. Throws when the log cannot be read.
 */
export async function readSince(file: string, cursor: LogCursor): Promise<LogRead> {
  const handle = await open(file, 'r');
  try {
    const s = await handle.stat();
    const head = await headOf(handle, s.size);
    const restart = s.ino !== cursor.ino || s.size < cursor.offset || !head.subarray(0, cursor.head.length).equals(cursor.head);
    const from = restart ? 0 : cursor.offset;
    const fresh = Buffer.alloc(s.size - from);
    const { bytesRead } = await handle.read(fresh, 0, fresh.length, from);
    const bytes = Buffer.concat([restart ? Buffer.alloc(0) : cursor.partial, fresh.subarray(0, bytesRead)]);
    const end = bytes.lastIndexOf(0x0a) + 1;
    const { entries, malformed } = parseLines(bytes.subarray(0, end).toString('utf8'));
    const partial = Buffer.from(bytes.subarray(end));
    return { entries, malformed, cursor: { offset: from + bytesRead, ino: s.ino, partial, head: head.subarray(0, Math.min(head.length, from + bytesRead)) } };
  } finally {
    await handle.close();
  }
}

function parseLines(text: string): { entries: LogEntry[]; malformed: number } {
  const entries: LogEntry[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseLogLine(line);
    if (entry) entries.push(entry);
    else malformed++;
  }
  return { entries, malformed };
}

/** 64 MiB of JSON lines is some 200,000 requests: far more than a window needs. */
export const DEFAULT_MAX_LOG_BYTES = 64 * 1024 * 1024;

/**
 * Keeps the log from growing without bound: past maxBytes it is truncated in place (its inode,
 * owner and mode stay, and nginx, which appends, goes on writing at the new end without a
 * reopen). Call it right after a read: the lines nginx writes between that read and the
 * truncation are lost to the gates. True when it truncated.
 */
export async function boundLog(file: string, maxBytes = DEFAULT_MAX_LOG_BYTES): Promise<boolean> {
  const s = await stat(file);
  if (s.size <= maxBytes) return false;
  await truncate(file, 0);
  return true;
}

/** One provider's requests over the whole log, and per node (tries, errors, failovers). */
export interface LogCounts {
  requests: number;
  errors: number;
  nodes: Record<string, NodeCounts>;
}

/** Requests and errors per provider and node over the whole log, for `gateway status`; undefined when there is no log yet. */
export async function countByProvider(file: string, nodes: NodeMap): Promise<Partial<Record<Role, LogCounts>> | undefined> {
  const s = await stat(file).catch(() => undefined);
  if (!s) return undefined;
  const { entries } = await readSince(file, cursorAtStart(s.ino));
  const traffic = trafficByProvider(entries, nodes);
  const counts: Partial<Record<Role, LogCounts>> = {};
  for (const role of ['legacy', 'target'] as const) {
    const t = traffic[role];
    if (t.requests > 0) counts[role] = { requests: t.requests, errors: t.errors, nodes: t.nodes };
  }
  return counts;
}
