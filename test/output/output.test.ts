import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorEnabled, makeColors } from '../../src/core/output/color.js';
import { Output } from '../../src/core/output/output.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream, text: () => text };
}

function output(over: Partial<ConstructorParameters<typeof Output>[0]> = {}) {
  const stdout = capture();
  const stderr = capture();
  const out = new Output({ stdout: stdout.stream, stderr: stderr.stream, json: false, quiet: false, verbose: false, color: true, live: false, ...over });
  return { out, stdout, stderr };
}

describe('Output', () => {
  it('keeps colour out of a piped stdout even when stderr is a terminal', () => {
    const { out, stdout } = output({ stdoutColor: false });
    out.print(out.c.red('FAIL'));
    expect(stdout.text()).toBe('FAIL\n');
  });

  it('colours stdout when it is a terminal', () => {
    const { out, stdout } = output({ stdoutColor: true });
    out.print(out.c.red('FAIL'));
    expect(stdout.text()).toContain('\x1b[');
  });

  it('puts nothing but the JSON document on stdout in --json mode', () => {
    const { out, stdout, stderr } = output({ json: true });
    out.print('table');
    out.info('progress');
    out.printJson({ ok: true });
    expect(JSON.parse(stdout.text())).toEqual({ ok: true });
    expect(stderr.text()).toContain('progress');
  });

  it('--quiet hides progress but not errors', () => {
    const { out, stderr } = output({ quiet: true });
    out.info('progress');
    out.error('broken');
    expect(stderr.text()).not.toContain('progress');
    expect(stderr.text()).toContain('broken');
  });

  it('turns colour off for NO_COLOR, --no-color and a non-terminal', () => {
    expect(colorEnabled({ isTTY: true, processEnv: {} })).toBe(true);
    expect(colorEnabled({ isTTY: true, processEnv: { NO_COLOR: '1' } })).toBe(false);
    expect(colorEnabled({ isTTY: true, flag: false, processEnv: {} })).toBe(false);
    expect(colorEnabled({ isTTY: false, processEnv: {} })).toBe(false);
    expect(colorEnabled({ isTTY: false, processEnv: { FORCE_COLOR: '1' } })).toBe(true);
  });

  // The codes chalk (level 1) wrote before colour.ts replaced it, byte for byte: a terminal, pager or
  // CI log that showed them right still does.
  it('writes the 16-colour codes, reopens a style an inner one closed, and styles each line alone', () => {
    const c = makeColors(true);
    expect(c.red('down')).toBe('\x1b[31mdown\x1b[39m');
    expect(c.bold('b') + c.dim('d')).toBe('\x1b[1mb\x1b[22m\x1b[2md\x1b[22m');
    expect(c.yellow(`a ${c.green('ok')} b`)).toBe('\x1b[33ma \x1b[32mok\x1b[39m\x1b[33m b\x1b[39m');
    expect(c.cyan('one\ntwo\r\nthree')).toBe('\x1b[36mone\x1b[39m\n\x1b[36mtwo\x1b[39m\r\n\x1b[36mthree\x1b[39m');
    expect(c.red('')).toBe('');
    const plain = makeColors(false);
    expect(Object.values(plain).map((style) => style('a\nb'))).toEqual(Object.keys(plain).map(() => 'a\nb'));
  });
});
