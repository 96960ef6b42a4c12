// A strict, incremental server-sent events parser (WHATWG "event stream interpretation"), pure:
// feed it bytes as they arrive, in any split, and it returns the events completed so far.
import { Utf8Reader } from './utf8.js';

export interface SseFrame {
  /** Data lines of the event joined with "\n". */
  data: string;
  event?: string;
  id?: string;
  retry?: number;
}

export interface SseEnd {
  /** Events completed by flushing the decoder (normally none). */
  frames: SseFrame[];
  /** The stream stopped inside an event (no blank line after its last field): that event is dropped. */
  partial: boolean;
}

const LF = 10;
const CR = 13;
const KNOWN_FIELDS = new Set(['data', 'event', 'id', 'retry']);

export class SseParser {
  // stream: true keeps a UTF-8 character split across reads until its last byte arrives; the BOM is dropped.
  private readonly decoder = new Utf8Reader();
  private pending = '';
  private afterCr = false;
  private dataLines: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  private retry: number | undefined;
  /** The stream held bytes that are not UTF-8 (read as U+FFFD). */
  get invalidUtf8(): boolean {
    return this.decoder.invalid;
  }
  /** Lines that are not SSE fields (e.g. bare JSON from a relay that forgot `data:`). */
  unknownLines = 0;
  firstUnknownLine: string | undefined;

  /** Feed the next read (bytes, or text when the caller decoded it). */
  feed(chunk: Uint8Array | string): SseFrame[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const frames: SseFrame[] = [];
    this.consume(text, frames);
    return frames;
  }

  /** The stream ended. Per the spec an unterminated event is discarded; `partial` says that happened. */
  end(): SseEnd {
    const frames: SseFrame[] = [];
    this.consume(this.decoder.decode(), frames);
    const partial = this.pending !== '' || this.dataLines.length > 0 || this.event !== undefined;
    this.pending = '';
    this.reset();
    return { frames, partial };
  }

  private consume(text: string, frames: SseFrame[]): void {
    if (text === '') return;
    let start = 0;
    // A CR ending the previous read may be the first half of CRLF.
    if (this.afterCr && text.charCodeAt(0) === LF) start = 1;
    this.afterCr = false;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      const line = this.pending + text.slice(start, i);
      this.pending = '';
      this.line(line, frames);
      if (c === CR) {
        if (i + 1 === text.length) this.afterCr = true;
        else if (text.charCodeAt(i + 1) === LF) i++;
      }
      start = i + 1;
    }
    this.pending += text.slice(start);
  }

  private line(line: string, frames: SseFrame[]): void {
    if (line === '') return this.dispatch(frames);
    if (line.charCodeAt(0) === 58 /* ':' */) return; // comment, e.g. keep-alive ": ping"
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* ' ' */) value = value.slice(1);
    if (!KNOWN_FIELDS.has(field)) return this.unknown(line);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') {
      if (!value.includes('\0')) this.id = value;
    } else if (/^\d+$/.test(value)) this.retry = Number(value);
  }

  private dispatch(frames: SseFrame[]): void {
    // An event with no data lines is not dispatched (spec), but its fields are cleared.
    if (this.dataLines.length > 0) {
      const frame: SseFrame = { data: this.dataLines.join('\n') };
      if (this.event !== undefined && this.event !== '') frame.event = this.event;
      if (this.id !== undefined) frame.id = this.id;
      if (this.retry !== undefined) frame.retry = this.retry;
      frames.push(frame);
    }
    this.reset();
  }

  private reset(): void {
    this.dataLines = [];
    this.event = undefined;
    this.id = undefined;
    this.retry = undefined;
  }

  private unknown(line: string): void {
    this.unknownLines++;
    this.firstUnknownLine ??= line.slice(0, 80);
  }
}
