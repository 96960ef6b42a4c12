// An env file that is no env file (binary, over 1 MiB) is refused before the ramp or a backup
// touches anything: exit 2 naming the file; the file, its mode and inode unchanged; no ramp state.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryProject, migrate, providers, readState } from './helpers.js';

async function snapshot(file: string) {
  const stat = await fs.stat(file);
  return { bytes: (await fs.readFile(file)).toString('base64'), mode: stat.mode, ino: stat.ino, uid: stat.uid };
}

describe('a ramp over a broken env file', () => {
  it('a binary .env.canary: ramp and backup exit 2 naming it, and nothing is changed', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url });
    const envFile = path.join(dir, '.env.canary');
    await fs.writeFile(envFile, Buffer.concat([Buffer.from('OPENAI_BASE_URL=x\n'), Buffer.from([0x00, 0xff, 0x00])]));
    await fs.chmod(envFile, 0o640);
    const before = await snapshot(envFile);

    const ramp = await migrate(dir, ['ramp', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(ramp.code, ramp.stderr).toBe(2);
    expect(ramp.stderr).toContain('.env.canary:2: a NUL byte: this is a binary file, not an env file');
    expect(ramp.stderr).not.toContain('    at ');

    const backup = await migrate(dir, ['backup', '--env', 'canary'], { targetUrl: target.url });
    expect(backup.code, backup.stderr).toBe(2);
    expect(backup.stderr).toContain('.env.canary:2: a NUL byte');

    expect(await snapshot(envFile)).toEqual(before);
    expect(await readState(dir)).toBeUndefined();
    expect(await fs.readdir(path.join(dir, '.migrate/backups')).catch(() => [])).toEqual([]);
  });

  it('a .env.canary over 1 MiB: exit 2 naming it and its size', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url });
    const envFile = path.join(dir, '.env.canary');
    await fs.appendFile(envFile, `# padding\n${'#'.repeat(2 * 1024 * 1024)}\n`);
    const before = await snapshot(envFile);

    const check = await migrate(dir, ['check', '--env', 'canary', '--provider', 'target'], { targetUrl: target.url });
    expect(check.code, check.stderr).toBe(2);
    expect(check.stderr).toMatch(/\.env\.canary: 2\.0 MiB \(\d+ bytes\) is too large for an env file/);
    expect(target.count()).toBe(0);

    const r = await migrate(dir, ['ramp', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/\.env\.canary: 2\.0 MiB \(\d+ bytes\) is too large for an env file \(the limit is 1 MiB\): refused/);
    expect(await snapshot(envFile)).toEqual(before);
    expect(await readState(dir)).toBeUndefined();
  });
});
