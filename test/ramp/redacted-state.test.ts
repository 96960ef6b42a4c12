// A gate whose answer quotes the target key (here lower-cased, as a relay's error might) does not
// put it in the ramp state file, the audit log or the output: all go through the one redactor.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryProject, migrate, providers, readState, TARGET_KEY } from './helpers.js';

function leakedRun(text: string, key: string): string | undefined {
  const lower = text.toLowerCase();
  for (let i = 0; i + 12 <= key.length; i++) if (lower.includes(key.slice(i, i + 12).toLowerCase())) return key.slice(i, i + 12);
  return undefined;
}

describe('ramp state and audit log', () => {
  it('hold no form of a key a gate source quoted', async () => {
    const { legacy, target } = await providers();
    const verdict = `echo '{"verdict":"fail","reason":"upstream refused key ${TARGET_KEY.toLowerCase()}"}'`;
    const dir = canaryProject({
      legacyUrl: legacy.url,
      targetUrl: target.url,
      ramp: ['  stages: [10, 100]', '  soak: 600ms', '  interval: 300ms', '  sources:', '    probes: false', `    command: ${JSON.stringify(verdict)}`],
    });

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(1);
    const state = await readState(dir);
    expect(state?.status).toBe('rolled-back');
    expect(state?.reason).toContain('upstream refused key …3210');
    const files = [path.join(dir, '.migrate/state/canary.json'), path.join(dir, '.migrate/audit.log')];
    for (const text of [r.stdout, r.stderr, ...(await Promise.all(files.map((f) => fs.readFile(f, 'utf8'))))]) {
      expect(leakedRun(text, TARGET_KEY)).toBeUndefined();
    }
  });
});
