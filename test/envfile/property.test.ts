import dotenv from 'dotenv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvFileError } from '../../src/core/envfile/errors.js';
import { parse, print, values } from '../../src/core/envfile/parse.js';
import { removeKey, setKey } from '../../src/core/envfile/edit.js';
import { lines } from './lines.js';

/**
 * Generated env files: each line spec knows the physical lines it renders to and its key, so a
 * test can say which lines an edit may touch without asking the editor.
 */
interface Spec {
  key?: string;
  lines: string[];
}

const KEYS = ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'LLM_TARGET_WEIGHT', 'app.mode', 'X-1'];
const ALPHABET = ['a', 'Z', '0', '_', '-', '.', '/', ':', '=', '@', ' ', '\t', '#', "'", '"', '`', '\\', 'n', 'r', '$', '多', '✓'];
const text = (exclude: string, maxLength = 10, extra: string[] = []) =>
  fc.string({ unit: fc.constantFrom(...[...ALPHABET, ...extra].filter((c) => !exclude.includes(c))), maxLength });

const blank: fc.Arbitrary<Spec> = fc.constantFrom('', '  ', '\t').map((l) => ({ lines: [l] }));
const comment: fc.Arbitrary<Spec> = fc.tuple(fc.constantFrom('', '  '), text('')).map(([indent, t]) => ({ lines: [`${indent}#${t}`] }));

/** A well-formed value in each quoting style, raw newlines only where the style allows them. */
const written: fc.Arbitrary<string> = fc.oneof(
  text(' \t#\'"`'),
  text("'\\", 10, ['\n']).map((v) => `'${v}'`),
  text('`\\', 10, ['\n']).map((v) => `\`${v}\``),
  text('"\\', 10, ['\n']).map((v) => `"${v}"`),
  text('"\\', 10, ['\n']).map((v) => `"${v.replace(/\n/g, '\\n')}"`),
);

const assignment: fc.Arbitrary<Spec> = fc
  .record({
    indent: fc.constantFrom('', '  '),
    exported: fc.boolean(),
    key: fc.constantFrom(...KEYS),
    separator: fc.constantFrom('=', ' = ', '= ', ': '),
    value: written,
    comment: fc.option(
      text('\n').map((t) => ` # ${t}`),
      { nil: '' },
    ),
  })
  .map((a) => ({
    key: a.key,
    lines: `${a.indent}${a.exported ? 'export ' : ''}${a.key}${a.separator}${a.value}${a.comment}`.split('\n'),
  }));

const envFile = fc
  .record({
    specs: fc.array(fc.oneof(blank, comment, assignment, assignment), { maxLength: 12 }),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
  })
  .map(({ specs, eol, bom, finalNewline }) => {
    const all = specs.flatMap((s) => s.lines);
    const body = all.join(eol) + (finalNewline && all.length > 0 ? eol : '');
    return { specs, text: (bom ? '\uFEFF' : '') + body };
  });

/** The physical line range [start, end) of each spec. */
function ranges(specs: Spec[]): { key?: string; start: number; end: number }[] {
  let at = 0;
  return specs.map((s) => ({ key: s.key, start: at, end: (at += s.lines.length) }));
}

/** Values the editor promises to write: no CR, not ending in `\`, and fitting one quoting style. */
const GUARANTEED = (v: string) => !v.includes('\r') && !v.endsWith('\\') && (!v.includes("'") || !v.includes('`') || (!v.includes('"') && !/\\[nr]/.test(v)));
const newValue = text('', 16, ['\n', '\r', '\u2028']);

/** Any text at all, built from the pieces dotenv's grammar cares about. */
const anyText = fc
  .array(fc.constantFrom('A', 'B_1', '=', ':', ' ', '\t', '\n', '\r\n', '\r', '"', "'", '`', '#', 'export ', '\\', 'n', 'x', '\uFEFF', '\u2028'), {
    maxLength: 40,
  })
  .map((tokens) => tokens.join(''));

describe('parse and print', () => {
  it('print(parse(text)) is the text and values() is dotenv.parse, for generated env files', () => {
    fc.assert(
      fc.property(envFile, ({ text }) => {
        const doc = parse(text);
        expect(print(doc)).toBe(text);
        expect(values(doc)).toEqual(dotenv.parse(text));
      }),
      { numRuns: 400 },
    );
  });

  it('holds for any text at all, however dotenv reads it', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const doc = parse(text);
        expect(print(doc)).toBe(text);
        expect(values(doc)).toEqual(dotenv.parse(text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('setKey', () => {
  it('dotenv reads the new value back and every line outside the target is unchanged', () => {
    fc.assert(
      fc.property(envFile, fc.constantFrom(...KEYS, 'NEW_KEY'), newValue, ({ specs, text }, key, value) => {
        fc.pre(GUARANTEED(value));
        const after = print(setKey(parse(text), key, value));
        expect(dotenv.parse(after)).toEqual({ ...dotenv.parse(text), [key]: value });
        const old = lines(text);
        const now = lines(after);
        const target = ranges(specs).findLast((r) => r.key === key);
        if (target) {
          expect(now.slice(0, target.start)).toEqual(old.slice(0, target.start));
          expect(now.slice(now.length - (old.length - target.end))).toEqual(old.slice(target.end));
        } else {
          // Appended: old lines kept (the last may gain its line break), new ones only at the end.
          expect(now.slice(0, Math.max(old.length - 1, 0))).toEqual(old.slice(0, -1));
          if (old.length > 0) expect(now[old.length - 1]!.startsWith(old.at(-1)!)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never writes a value dotenv would read differently: it succeeds exactly or refuses', () => {
    fc.assert(
      fc.property(envFile, fc.constantFrom(...KEYS, 'NEW_KEY'), newValue, ({ text }, key, value) => {
        let after: string;
        try {
          after = print(setKey(parse(text), key, value));
        } catch (err) {
          expect(err).toBeInstanceOf(EnvFileError);
          expect(GUARANTEED(value)).toBe(false);
          return;
        }
        expect(dotenv.parse(after)).toEqual({ ...dotenv.parse(text), [key]: value });
      }),
      { numRuns: 400 },
    );
  });

  it('on any text at all, either dotenv reads the value back with every other key kept, or it refuses', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom('A', 'B_1', 'NEW_KEY'), newValue, (text, key, value) => {
        let after: string;
        try {
          after = print(setKey(parse(text), key, value));
        } catch (err) {
          expect(err).toBeInstanceOf(EnvFileError);
          return;
        }
        expect(dotenv.parse(after)).toEqual({ ...dotenv.parse(text), [key]: value });
      }),
      { numRuns: 400 },
    );
  });
});

describe('removeKey', () => {
  it("drops exactly the key's lines, duplicates included", () => {
    fc.assert(
      fc.property(envFile, fc.constantFrom(...KEYS), ({ specs, text }, key) => {
        const after = print(removeKey(parse(text), key));
        const { [key]: _, ...rest } = dotenv.parse(text);
        expect(dotenv.parse(after)).toEqual(rest);
        const old = lines(text);
        const dropped = new Set(
          ranges(specs)
            .filter((r) => r.key === key)
            .flatMap((r) => range(r.start, r.end)),
        );
        const kept = old.filter((_, i) => !dropped.has(i));
        // Dropping the last line leaves the one before it as the file's end, line break and all.
        expect(lines(after).map(stripBreak)).toEqual(kept.map(stripBreak));
        expect(lines(after).slice(0, -1)).toEqual(kept.slice(0, -1));
      }),
      { numRuns: 400 },
    );
  });
});

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

function stripBreak(line: string): string {
  return line.replace(/(\r\n|\r|\n)$/, '');
}
