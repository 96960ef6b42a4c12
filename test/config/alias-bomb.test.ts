// The "billion laughs" YAML: a few lines whose aliases expand to billions of nodes. In migrate.yaml
// or in a suite it is refused with exit 2 naming the file, not a crash or an "unexpected" error.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { project } from './helpers.js';

const LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
].join('\n');
const CONFIG = `version: 1
providers:
  legacy: { baseUrl: "http://127.0.0.1:9/v1", apiKey: sk-legacy-0123456789abcdef }
  target: { baseUrl: "http://127.0.0.1:9/v1", apiKey: sk-target-0123456789abcdef }
models: [gpt-4.1]
`;

const migrate = (cwd: string, args: string[]) => runCli(args, { cwd, timeoutMs: 20_000 });

describe('YAML alias bombs', () => {
  it('in migrate.yaml: exit 2 naming the file', async () => {
    const cwd = project({ 'migrate.yaml': `${CONFIG}x-laughs:\n${LAUGHS.replace(/^/gm, '  ')}\n` });
    const r = await migrate(cwd, ['config']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain('migrate.yaml: its YAML aliases (*name) expand too far (over 100 per anchor): refused, it looks like an alias bomb');
    expect(r.stderr).not.toContain('unexpected');
  });

  it('in a suite: exit 2 naming the suite, and nothing is sent', async () => {
    const cwd = project({ 'migrate.yaml': CONFIG, 'bomb.yaml': `name: bomb\n${LAUGHS}\ncases: []\n` });
    const r = await migrate(cwd, ['validate', '--suite', 'bomb.yaml']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain('bomb.yaml: its YAML aliases (*name) expand too far');
    expect(r.stderr).not.toContain('unexpected');
  });
});
