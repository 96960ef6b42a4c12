// Reads a chat-completions event stream: records every event, the time to first token, and whether
// it finished with [DONE]; a line that is not an SSE field, a data line that is not JSON, or an
// error event fails the stream.
import { errorDetails } from './error-envelope.js';
import { oneLine } from './scrub.js';
import { SseParser } from './sse.js';
import type { Failure, SseEvent } from './types.js';

/** Failure code of a stream with a line that is not an SSE field (validate reports it as stream.framing). */
export const SSE_FRAMING = 'sse_framing';

export class StreamCollector {
  readonly events: SseEvent[] = [];
  done = false;
  ttftMs: number | undefined;
  private readonly parser = new SseParser();

  constructor(private readonly secrets: readonly string[]) {}

  /** The stream held bytes that are not UTF-8. */
  get invalidUtf8(): boolean {
    return this.parser.invalidUtf8;
  }

  /** Feed a body chunk read `atMs` after the request started; returns a failure when the stream went bad. */
  feed(chunk: Uint8Array, atMs: number): Failure | undefined {
    for (const frame of this.parser.feed(chunk)) {
      const event: SseEvent = frame.event === undefined ? { data: frame.data, atMs } : { data: frame.data, event: frame.event, atMs };
      this.events.push(event);
      const failure = this.inspect(frame.data, atMs);
      if (failure) return failure;
    }
    // SDK parsers silently skip such a line (e.g. bare JSON from a relay that forgot `data: `), losing its delta.
    return this.framing();
  }

  /** The body ended: a line that was not an SSE field fails the stream; else one without [DONE] is incomplete. */
  end(): Failure | undefined {
    const { partial } = this.parser.end();
    const framing = this.framing();
    if (framing || this.done) return framing;
    const why = partial ? 'it stopped in the middle of an event' : `after ${this.events.length} event(s)`;
    return { kind: 'stream_incomplete', message: `the stream ended without data: [DONE] (${why})` };
  }

  private framing(): Failure | undefined {
    if (this.parser.unknownLines === 0) return undefined;
    const sample = oneLine(this.parser.firstUnknownLine ?? '', this.secrets);
    return { kind: 'bad_stream', code: SSE_FRAMING, message: `a stream line is not a server-sent event field (no "data: "?): ${sample}` };
  }

  private inspect(data: string, atMs: number): Failure | undefined {
    if (data === '[DONE]') {
      this.done = true;
      return undefined;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return { kind: 'bad_stream', message: oneLine(`a stream event's data is not JSON: ${data.slice(0, 80)}`, this.secrets) };
    }
    const error = typeof chunk === 'object' && chunk !== null && 'error' in chunk ? errorDetails(chunk) : undefined;
    if (error) {
      const failure: Failure = { kind: 'error_body', message: oneLine(`the stream carried an error: ${error.message ?? 'no message'}`, this.secrets) };
      if (error.code) failure.code = oneLine(error.code);
      return failure;
    }
    if (this.ttftMs === undefined && carriesToken(chunk)) this.ttftMs = atMs;
    return undefined;
  }
}

/** A chunk whose delta has non-empty content or a tool call: the first one marks time to first token. */
function carriesToken(chunk: unknown): boolean {
  const choices = (chunk as { choices?: unknown })?.choices;
  if (!Array.isArray(choices)) return false;
  return choices.some((choice) => {
    const delta = (choice as { delta?: { content?: unknown; tool_calls?: unknown; function_call?: unknown } })?.delta;
    if (!delta) return false;
    if (typeof delta.content === 'string' && delta.content.length > 0) return true;
    return (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) || delta.function_call !== undefined;
  });
}
