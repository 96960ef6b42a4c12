// Response bodies are UTF-8 by contract (JSON, server-sent events). A relay that re-encodes or
// cuts a multi-byte character sends bytes a strict client rejects; a lenient one shows U+FFFD.
// Decode strictly to notice, and keep reading leniently so the rest is still judged.

/** Incremental UTF-8 decoding that records whether any byte sequence was invalid. */
export class Utf8Reader {
  private readonly strict: TextDecoder;
  private readonly lenient: TextDecoder;
  invalid = false;

  /** `keepBom`: a byte-order mark stays in the text (a JSON body with one is not JSON, as clients see it). */
  constructor(keepBom = false) {
    this.strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: keepBom });
    this.lenient = new TextDecoder('utf-8', { ignoreBOM: keepBom });
  }

  /** The next chunk's text; `stream: false` (the default when called without options) flushes a split character. */
  decode(chunk?: Uint8Array, opts: { stream?: boolean } = {}): string {
    if (!this.invalid) {
      try {
        return this.strict.decode(chunk, opts);
      } catch {
        // The strict decoder dropped its state: the lenient one takes over from this chunk on.
        this.invalid = true;
      }
    }
    return this.lenient.decode(chunk, opts);
  }
}

/** A whole body: its text (invalid bytes as U+FFFD) and whether it was valid UTF-8. */
export function decodeBody(bytes: Uint8Array): { text: string; invalidUtf8: boolean } {
  const reader = new Utf8Reader(true);
  const text = reader.decode(bytes);
  return { text, invalidUtf8: reader.invalid };
}
