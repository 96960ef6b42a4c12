// The next run finds a journal left by an in-place write that was cut short (the process was
// killed mid-write) and puts the file back before it reads it.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashOf, writeJournal } from '../../src/core/fs/journal.js';
import { canaryProject, legacyEnvFile, migrate, probeRamp, providers, TARGET_KEY } from '../ramp/helpers.js';

describe('a torn in-place write', () => {
  it('is repaired from its journal by the next ramp, which says so and then ramps as usual', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp: probeRamp('100', '800ms', '400ms') });
    const envFile = path.join(dir, '.env.canary');
    const original = legacyEnvFile(legacy.url);
    // What a killed writer leaves: the journal of the old bytes, and a file holding half the new ones.
    const journal = await writeJournal(envFile, Buffer.from(original), hashOf('OPENAI_BASE_URL=x\n'.repeat(8)));
    const dead = spawnSync('true').pid;
    await fs.writeFile(journal, (await fs.readFile(journal, 'latin1')).replace(/pid=\d+/, `pid=${dead}`), 'latin1');
    await fs.writeFile(envFile, 'OPENAI_BASE_URL=x\nOPENAI_BA');

    const r = await migrate(dir, ['ramp', '--env', 'canary', '--yes'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${envFile} was left half-written by an interrupted run: put back as it was before that write`);
    const now = await fs.readFile(envFile, 'utf8');
    expect(now).toBe(
      original
        .replace(legacy.url, target.url)
        .replace(/OPENAI_API_KEY=.*/, `OPENAI_API_KEY=${TARGET_KEY}`)
        .replace('LLM_TARGET_WEIGHT=0', 'LLM_TARGET_WEIGHT=100'),
    );
    await expect(fs.stat(journal)).rejects.toThrow(/ENOENT/);
  }, 30_000);
});
