import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendAudit, readAudit } from '../../src/core/state/audit.js';
import { useTmp } from './tmp.js';

const tmp = useTmp();
const KEYS = ['sk-legacy-AUDITTEST-0001', 'hs-target-AUDITTEST-0002'];

describe('appendAudit', () => {
  it('appends one JSON line per entry with who, when, what and result, and never a secret', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    await appendAudit(
      stateDir,
      {
        command: 'backup',
        environment: 'canary',
        result: 'ok',
        durationMs: 12,
        details: { message: `rotated ${KEYS[0]}`, files: [{ path: '.env', note: `key=${KEYS[1]}` }], apiKey: KEYS[1] },
      },
      { secrets: KEYS },
    );
    await appendAudit(stateDir, { command: 'rollback', environment: 'canary', result: 'failed', durationMs: 3400 }, { secrets: KEYS });

    const text = await fs.readFile(path.join(stateDir, 'audit.log'), 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({ command: 'backup', environment: 'canary', result: 'ok', durationMs: 12, user: expect.any(String), host: expect.any(String) });
    expect(Date.parse(first.time)).toBeGreaterThan(Date.now() - 60_000);
    expect(first.details.message).toMatch(/^rotated sk-…0001$/);
    expect(second).toMatchObject({ command: 'rollback', result: 'failed', durationMs: 3400 });
    for (const key of KEYS) expect(text).not.toContain(key);
    for (const key of KEYS) expect(text).not.toContain(key.slice(3, -4)); // not even the middle of it
    expect((await fs.stat(path.join(stateDir, 'audit.log'))).mode & 0o777).toBe(0o600);
    expect(await readAudit(stateDir)).toEqual([first, second]);
  });

  it('keeps every line whole when many writers append at once', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    const big = 'x'.repeat(3000);
    await Promise.all(Array.from({ length: 40 }, (_, i) => appendAudit(stateDir, { command: 'ramp', result: 'ok', durationMs: i, details: { big } })));
    const lines = (await fs.readFile(path.join(stateDir, 'audit.log'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(40);
    expect(lines.map((l) => JSON.parse(l).durationMs).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('readAudit skips a torn last line left by a crash', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    await appendAudit(stateDir, { command: 'backup', result: 'ok', durationMs: 1 });
    await fs.appendFile(path.join(stateDir, 'audit.log'), '{"command":"rollb');
    expect((await readAudit(stateDir)).map((e) => e.command)).toEqual(['backup']);
  });
});
