import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { parse, print, values } from '../../src/core/envfile/parse.js';
import { removeKey, setKey } from '../../src/core/envfile/edit.js';
import { changedBlock, isSubsequence, lines } from './lines.js';

const dir = fileURLToPath(new URL('../../fixtures/env/', import.meta.url));
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.env'));

/** The last line where `key` is declared, found without the editor's help. */
function lastDeclaration(text: string, key: string): number {
  const escaped = key.replace(/[.-]/g, '\\$&');
  const declares = new RegExp(`^[\\s\\uFEFF]*(?:export\\s+)?${escaped}(?:\\s*=|:\\s|\\s*$)`);
  return lines(text).findLastIndex((l) => declares.test(l));
}

it('covers every case the issue names', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(10);
  const all = fixtures.map((f) => readFileSync(dir + f, 'utf8'));
  expect(all.some((t) => t.startsWith('\uFEFF'))).toBe(true);
  expect(all.some((t) => t.includes('\r\n'))).toBe(true);
  expect(all.some((t) => !t.endsWith('\n'))).toBe(true);
  expect(all.some((t) => /^export /m.test(t))).toBe(true);
  expect(all.some((t) => t.includes('HOLYSHEEP_API_KEY=YOUR_HOLYSHEEP_API_KEY'))).toBe(true);
});

describe.each(fixtures)('%s', (name) => {
  const bytes = readFileSync(dir + name);
  const text = bytes.toString('utf8');
  const doc = parse(text);
  const expected = dotenv.parse(bytes);

  it('prints back byte for byte', () => {
    expect(Buffer.from(print(doc), 'utf8').equals(bytes)).toBe(true);
  });

  it('reads every value as dotenv.parse does', () => {
    expect(values(doc)).toEqual(expected);
  });

  it.each(Object.keys(expected))('setting %s rewrites only its own (last) lines', (key) => {
    const value = `changed value #${key}`;
    const after = print(setKey(doc, key, value));
    expect(dotenv.parse(after)).toEqual({ ...expected, [key]: value });
    const block = changedBlock(text, after);
    const from = lastDeclaration(text, key);
    expect(block.at).toBeGreaterThanOrEqual(from);
    // From the declaration to the last touched line: that one assignment and nothing else.
    const entry = (t: string, touched: string[]) =>
      lines(t)
        .slice(from, block.at + touched.length)
        .join('');
    expect(dotenv.parse(entry(text, block.old))).toEqual({ [key]: expected[key] });
    expect(dotenv.parse(entry(after, block.now))).toEqual({ [key]: value });
  });

  it.each(Object.keys(expected))('removing %s drops only its lines', (key) => {
    const after = print(removeKey(doc, key));
    const { [key]: _, ...rest } = expected;
    expect(dotenv.parse(after)).toEqual(rest);
    expect(isSubsequence(lines(after), lines(text))).toBe(true);
    const removed = lines(text).length - lines(after).length;
    expect(removed).toBeGreaterThan(0);
  });

  it('appends a new key as one line at the end', () => {
    const after = print(setKey(doc, 'MIGRATE_NEW_KEY', 'https://api.holysheep.ai/v1'));
    const old = lines(text);
    const now = lines(after);
    expect(now.length).toBe(old.length + 1);
    expect(now.slice(0, -2)).toEqual(old.slice(0, -1));
    expect(now.at(-2)!.replace(/\r?\n$/, '')).toBe(old.at(-1)!.replace(/\r?\n$/, ''));
    expect(now.at(-1)).toMatch(/^(export )?MIGRATE_NEW_KEY=https:\/\/api\.holysheep\.ai\/v1(\r\n|\n)$/);
    expect(now.at(-1)!.endsWith(doc.eol)).toBe(true);
    expect(dotenv.parse(after)).toEqual({ ...expected, MIGRATE_NEW_KEY: 'https://api.holysheep.ai/v1' });
  });
});
