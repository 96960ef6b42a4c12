import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorEnabled } from '../../src/core/output/color.js';
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
  });
});
