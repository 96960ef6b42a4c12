// Every command's `--help` ends with an "Examples:" block of real invocations: each starts with
// `migrate <that command>`, and every flag in it is one the command's help lists.
import { describe, expect, it } from 'vitest';
import { commandsOf, flagsOf, help } from '../helpers/help.js';

/** The `migrate …` invocations of the Examples block, split into words (quotes kept together). */
function examplesOf(text: string): string[][] {
  const block = text.split(/^Examples:$/m)[1] ?? '';
  return block
    .split('\n')
    .map((line) =>
      /migrate [^#]*/
        .exec(line.replace(/^\s+#.*$/, ''))?.[0]
        .replace(/\)$/, '')
        .trim(),
    )
    .filter((invocation): invocation is string => Boolean(invocation))
    .map((invocation) => [...invocation.matchAll(/"[^"]*"|\S+/g)].map((m) => m[0]));
}

describe('examples in --help', async () => {
  const commands = commandsOf(await help([]));

  it('the list of commands is read from the help', () => {
    expect(commands).toEqual(expect.arrayContaining(['check', 'ramp', 'rollback', 'doctor', 'completion']));
  });

  it.each(commands)('migrate %s --help ends with 2-4 examples whose flags exist', async (command) => {
    const text = await help([command]);
    expect(text).toMatch(/\nExamples:\n/);
    const examples = examplesOf(text);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.length).toBeLessThanOrEqual(4);
    const flags = flagsOf(text);
    for (const words of examples) {
      expect(words.slice(0, 2), words.join(' ')).toEqual(['migrate', command]);
      for (const word of words.filter((w) => w.startsWith('-'))) expect(flags, `${words.join(' ')}: ${word}`).toContain(word.split('=')[0]);
    }
  });
});
