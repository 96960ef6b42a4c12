import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { EnvFileError } from '../../src/core/envfile/errors.js';
import { diffKeys } from '../../src/core/envfile/diff.js';
import { parse, print } from '../../src/core/envfile/parse.js';
import { removeKey, setKey, setKeys } from '../../src/core/envfile/edit.js';

const set = (text: string, key: string, value: string) => print(setKey(parse(text), key, value));
const remove = (text: string, key: string) => print(removeKey(parse(text), key));

describe('setKey on an existing key', () => {
  it('keeps export, the quoting and the inline comment', () => {
    const text = '# keys\nexport OPENAI_API_KEY="sk-old" # rotated monthly\nLLM_TARGET_WEIGHT=5\n';
    expect(set(text, 'OPENAI_API_KEY', 'sk-new')).toBe('# keys\nexport OPENAI_API_KEY="sk-new" # rotated monthly\nLLM_TARGET_WEIGHT=5\n');
    expect(set(text, 'LLM_TARGET_WEIGHT', '20')).toBe('# keys\nexport OPENAI_API_KEY="sk-old" # rotated monthly\nLLM_TARGET_WEIGHT=20\n');
  });

  it("keeps single quotes and the blanks around '='", () => {
    expect(set("A = 'x'   # note\n", 'A', 'y z')).toBe("A = 'y z'   # note\n");
  });

  it('quotes an unquoted value only when it has to, keeping the comment', () => {
    expect(set('URL=http://old # legacy\n', 'URL', 'has space')).toBe("URL='has space' # legacy\n");
    expect(set('URL=http://old\n', 'URL', 'p#ss')).toBe("URL='p#ss'\n");
    expect(set('URL=http://old\n', 'URL', '${NOT_EXPANDED}')).toBe("URL='${NOT_EXPANDED}'\n");
  });

  it('leaves a style that cannot hold the value for the simplest one that can', () => {
    expect(set('A="x"\n', 'A', 'say "hi"')).toBe('A=\'say "hi"\'\n');
    expect(set("A='x'\n", 'A', "it's")).toBe('A="it\'s"\n');
    expect(set('A="x"\n', 'A', 'C:\\path')).toBe("A='C:\\path'\n");
  });

  it('keeps a blank before an inline comment that had none, so docker compose reads it as one too', () => {
    expect(set('A=old#note\n', 'A', 'new')).toBe('A=new #note\n');
  });

  it('writes a multi-line value over several lines where it was, with the file line ending', () => {
    const text = 'TLS_CA="-----BEGIN-----\r\nold\r\n-----END-----"\r\nNEXT=1\r\n';
    expect(set(text, 'TLS_CA', '-----BEGIN-----\nnew\n-----END-----')).toBe('TLS_CA="-----BEGIN-----\r\nnew\r\n-----END-----"\r\nNEXT=1\r\n');
  });

  it('writes a new multi-line value on one line with \\n escapes', () => {
    expect(set('A=x\n', 'A', 'one\ntwo')).toBe('A="one\\ntwo"\n');
    expect(set('A=x\n', 'A', 'cr\r\nlf')).toBe('A="cr\\r\\nlf"\n');
  });

  it('changes only the last of duplicate keys, the one dotenv uses', () => {
    const text = 'A=1\nB=2\nA=3 # wins\n';
    expect(set(text, 'A', '9')).toBe('A=1\nB=2\nA=9 # wins\n');
  });

  it('keeps a missing final newline missing', () => {
    expect(set('A=1\nB=2', 'B', '3')).toBe('A=1\nB=3');
  });

  it('keeps a BOM and CRLF endings', () => {
    expect(set('\uFEFFA=1\r\nB=2\r\n', 'A', '3')).toBe('\uFEFFA=3\r\nB=2\r\n');
  });
});

describe('setKey on a new key', () => {
  it('appends one line with the file line ending', () => {
    expect(set('A=1\r\n', 'B', '2')).toBe('A=1\r\nB=2\r\n');
    expect(set('', 'B', '2')).toBe('B=2\n');
  });

  it('adds the missing final newline first', () => {
    expect(set('# c\nA=1', 'B', '2')).toBe('# c\nA=1\nB=2\n');
  });

  it('uses export when every other line does', () => {
    expect(set('export A=1\nexport B=2\n', 'C', '3')).toBe('export A=1\nexport B=2\nexport C=3\n');
    expect(set('export A=1\nB=2\n', 'C', '3')).toBe('export A=1\nB=2\nC=3\n');
  });
});

describe('values dotenv cannot hold', () => {
  it('refuses a value with all three quotes and a #, naming the file and key', () => {
    const doc = parse('A=1\n', { source: '.env.canary' });
    expect(() => setKey(doc, 'A', `'"\`#`)).toThrow(EnvFileError);
    expect(() => setKey(doc, 'A', `'"\`#`)).toThrow(/^\.env\.canary:1: cannot write A/);
    expect(() => setKey(parse('', { source: '.env' }), 'B', `'"\`#`)).toThrow(/^\.env: cannot write B/);
  });

  it('writes all three quotes unquoted when nothing else needs quoting', () => {
    const out = set('A=1\n', 'A', `a'b"c\`d`);
    expect(dotenv.parse(out)).toEqual({ A: `a'b"c\`d` });
  });

  it('refuses keys dotenv would not read', () => {
    expect(() => setKey(parse(''), 'BAD KEY', 'x')).toThrow(/invalid key "BAD KEY"/);
    expect(() => setKey(parse(''), '__proto__', 'x')).toThrow(EnvFileError);
  });
});

describe('removeKey', () => {
  it('removes every line of the key, duplicates and multi-line values included', () => {
    const text = '# top\nA=1\nB="x\ny"\nA=2 # again\nC=3';
    expect(remove(text, 'A')).toBe('# top\nB="x\ny"\nC=3');
    expect(remove(text, 'B')).toBe('# top\nA=1\nA=2 # again\nC=3');
  });

  it('returns the same document when the key is absent', () => {
    const doc = parse('A=1\n');
    expect(removeKey(doc, 'Z')).toBe(doc);
  });

  it('refuses when removing would make an unclosed quote swallow the next lines', () => {
    // A's quote is unclosed while B's line follows; without B it would run on to C's line.
    const text = 'A="abc\nB="x"\nC=1"\n';
    expect(dotenv.parse(text)).toEqual({ A: '"abc', B: 'x', C: '1"' });
    expect(() => removeKey(parse(text, { source: '.env' }), 'B')).toThrow(/^\.env:2: removing B would change/);
  });
});

describe('setKeys and diffKeys', () => {
  it('reports key names only, sorted', () => {
    const before = parse('A=1\nB=2\nC=3\n');
    const after = removeKey(setKeys(before, { A: 'one', D: '4', C: '3' }), 'B');
    expect(diffKeys(before, after)).toEqual({ added: ['D'], removed: ['B'], changed: ['A'] });
    expect(diffKeys({ X: '1' }, { X: '1' })).toEqual({ added: [], removed: [], changed: [] });
  });
});
