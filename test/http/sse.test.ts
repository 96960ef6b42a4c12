import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseFrame } from '../../src/core/http/sse.js';

const bytes = (s: string) => new TextEncoder().encode(s);

function parseAll(...chunks: (string | Uint8Array)[]): { frames: SseFrame[]; partial: boolean; unknown: number } {
  const parser = new SseParser();
  const frames = chunks.flatMap((c) => parser.feed(c));
  const end = parser.end();
  return { frames: [...frames, ...end.frames], partial: end.partial, unknown: parser.unknownLines };
}

const datas = (...chunks: (string | Uint8Array)[]) => parseAll(...chunks).frames.map((f) => f.data);

describe('SseParser framing', () => {
  it('accepts data: with or without the space, and removes only one space', () => {
    expect(datas('data: a\n\ndata:b\n\ndata:  c\n\n')).toEqual(['a', 'b', ' c']);
  });

  it('joins multi-line data with \\n', () => {
    expect(datas('data: {"a":\ndata: 1}\n\n')).toEqual(['{"a":\n1}']);
  });

  it('skips comment lines and does not dispatch an event without data', () => {
    expect(datas(': keep-alive\n\n:\n\ndata: x\n: note\n\n')).toEqual(['x']);
  });

  it('reads event, id and retry fields', () => {
    const { frames } = parseAll('event: delta\nid: 7\nretry: 3000\ndata: x\n\nretry: soon\ndata: y\n\n');
    expect(frames).toEqual([{ data: 'x', event: 'delta', id: '7', retry: 3000 }, { data: 'y' }]);
  });

  it('treats a field line without a colon as an empty value', () => {
    expect(datas('data\n\n')).toEqual(['']);
  });

  it('understands LF, CRLF and CR line endings, mixed', () => {
    expect(datas('data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('does not take a CRLF split across reads for two line endings', () => {
    expect(datas('data: a\r', '\ndata: b\r', '\n\r', '\n')).toEqual(['a\nb']);
  });

  it('reassembles a UTF-8 character split across reads', () => {
    const all = bytes('data: 你好 ünïcode\n\n');
    const cut = 8; // inside the 3-byte 你
    expect(datas(all.slice(0, cut), all.slice(cut))).toEqual(['你好 ünïcode']);
  });

  it('passes [DONE] through as data', () => {
    expect(datas('data: {"x":1}\n\ndata: [DONE]\n\n')).toEqual(['{"x":1}', '[DONE]']);
  });

  it('drops a byte-order mark at the start', () => {
    expect(datas(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('data: a\n\n')]))).toEqual(['a']);
  });

  it('reports a stream that stops inside an event and drops that event', () => {
    expect(parseAll('data: a\n\ndata: b\n')).toMatchObject({ frames: [{ data: 'a' }], partial: true });
    expect(parseAll('data: a\n\ndata: [DO')).toMatchObject({ frames: [{ data: 'a' }], partial: true });
    expect(parseAll('data: a\n\n').partial).toBe(false);
  });

  it('counts lines that are not SSE fields (a relay sending bare JSON)', () => {
    const parser = new SseParser();
    expect(parser.feed('{"choices":[]}\n\n')).toEqual([]);
    expect(parser.unknownLines).toBe(1);
    expect(parser.firstUnknownLine).toBe('{"choices":[]}');
  });

  it('yields the same events however the byte stream is split', () => {
    const stream = bytes(
      ': hello\r\nevent: chunk\ndata: {"choices":[{"delta":{"content":"héllo 世界"}}]}\r\n\r\n' + 'data:line1\rdata: line2\r\rid: 9\ndata: {"x":"🙂"}\n\ndata: [DONE]\n\n',
    );
    const expected = parseAll(stream);
    expect(expected.frames).toHaveLength(4);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }), (points) => {
        const cuts = [0, ...points.sort((a, b) => a - b), stream.length];
        const chunks = cuts.slice(1).map((end, i) => stream.slice(cuts[i], end));
        expect(parseAll(...chunks)).toEqual(expected);
      }),
    );
  });
});
