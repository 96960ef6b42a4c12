import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatArgv } from '../../src/core/exec/format.js';

describe('formatArgv', () => {
  it('leaves plain arguments alone', () => {
    expect(formatArgv(['docker', 'compose', '-f', '/srv/app/docker-compose.yml', '-p', 'shop_1', 'up', '-d', 'app'])).toBe(
      'docker compose -f /srv/app/docker-compose.yml -p shop_1 up -d app',
    );
    expect(formatArgv(['env', 'KEY=a,b:c@d%e+f'])).toBe('env KEY=a,b:c@d%e+f');
  });

  it('quotes what a shell would otherwise interpret', () => {
    expect(formatArgv(['echo', 'two words', '', '$HOME', 'a*b', 'semi;colon', 'tab\there'])).toBe("echo 'two words' '' '$HOME' 'a*b' 'semi;colon' 'tab\there'");
    expect(formatArgv(['echo', "it's"])).toBe(`echo 'it'\\''s'`);
  });

  it('gives back the same argv when a shell parses it', () => {
    const argv = ['two words', "it's", '$(touch pwned)', '`x`', 'new\nline', '\\', '"q"', '', '-', 'ü'];
    const line = formatArgv(['printf', '%s\\0', ...argv]);
    const out = execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(argv);
  });
});
