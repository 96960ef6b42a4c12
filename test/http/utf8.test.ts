import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/core/http/sse.js';
import { decodeBody, Utf8Reader } from '../../src/core/http/utf8.js';

describe('UTF-8 of response bodies', () => {
  it('valid text split at any byte, even inside a character, reads whole and is not flagged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const bytes = Buffer.from(text);
        const at = [...new Set(cuts.map((c) => (bytes.length ? c % bytes.length : 0)))].sort((a, b) => a - b);
        const reader = new Utf8Reader();
        let out = '';
        let from = 0;
        for (const cut of [...at, bytes.length]) {
          out += reader.decode(bytes.subarray(from, cut), { stream: true });
          from = cut;
        }
        out += reader.decode();
        expect(out).toBe(text.replace(/^\uFEFF/, ''));
        expect(reader.invalid).toBe(false);
      }),
    );
  });

  it('a stray byte, or a character cut off at the end, is flagged and read as U+FFFD', () => {
    expect(decodeBody(Buffer.from([0x6f, 0x6b, 0xff]))).toEqual({ text: 'ok\uFFFD', invalidUtf8: true });
    expect(decodeBody(Buffer.from([0x6f, 0x6b, 0xe4, 0xb8]))).toEqual({ text: 'ok\uFFFD', invalidUtf8: true });
    expect(decodeBody(Buffer.from('ok 你好'))).toEqual({ text: 'ok 你好', invalidUtf8: false });
  });

  it('the SSE parser flags an invalid byte in an event and keeps parsing the events after it', () => {
    const parser = new SseParser();
    const frames = [...parser.feed(Buffer.from([...Buffer.from('data: a'), 0xc0, ...Buffer.from('\n\n')])), ...parser.feed(Buffer.from('data: b\n\n'))];
    expect(frames.map((f) => f.data)).toEqual(['a\uFFFD', 'b']);
    expect(parser.invalidUtf8).toBe(true);
  });
});
