// The non-root suite: migrate run as an operator who is not root (uid 4321, in the app's group
// 1234) on files root owns and shares with that group. Only root can chown, so a file replaced
// by rename would become 4321:4321 and the app's user would lose it; these tests pin that owner,
// group, mode and inode survive a ramp to 100 % and the rollback. setpriv takes numeric ids, so
// no user or group needs to exist in /etc/passwd. Needs root to set the files up and drop to 4321.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CANARY, configYaml, LEGACY_KEY, legacyEnvFile, probeRamp, project, providers, TARGET_KEY } from '../ramp/helpers.js';

const OPERATOR = 4321;
const APP_GROUP = 1234;
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('\n!! SKIPPING THE NON-ROOT SUITE: it must start as root to hand files to root:1234 and drop to uid 4321\n');

/** The built CLI as uid 4321 (groups 4321 and 1234), in CI mode. */
async function asOperator(dir: string, args: string[], targetUrl: string) {
  const user = { uid: OPERATOR, gid: OPERATOR, groups: [APP_GROUP] };
  const r = await runCli(args, { cwd: dir, user, env: { LEGACY_KEY, TARGET_KEY, TARGET_URL: targetUrl, CI: 'true' } });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A project directory root:1234 0770 (the operator may create files in it, so a rename would
 * work and silently hand the env file to 4321), holding migrate.yaml root:1234 0640 and the
 * env file with the given owner and mode.
 */
async function sharedProject(legacyUrl: string, targetUrl: string, env: { uid: number; mode: number }): Promise<{ dir: string; envFile: string }> {
  const dir = project({
    'migrate.yaml': configYaml({ legacyUrl, targetUrl, environments: CANARY, ramp: probeRamp('50, 100', '800ms', '400ms') }),
    '.env.canary': legacyEnvFile(legacyUrl),
  });
  for (const [name, uid, mode] of [
    ['migrate.yaml', 0, 0o640],
    ['.env.canary', env.uid, env.mode],
  ] as const) {
    await fs.chown(path.join(dir, name), uid, APP_GROUP);
    await fs.chmod(path.join(dir, name), mode);
  }
  await fs.chown(dir, 0, APP_GROUP);
  await fs.chmod(dir, 0o770);
  return { dir, envFile: path.join(dir, '.env.canary') };
}

async function ownership(file: string) {
  const st = await fs.stat(file);
  return { uid: st.uid, gid: st.gid, mode: (st.mode & 0o7777).toString(8), ino: st.ino };
}

describe.skipIf(!isRoot)('as a non-root operator (uid 4321 in group 1234)', () => {
  // root's file the group may write is written in place (same inode); the operator's own file in
  // the app's group is renamed over with its group given back (a member may chown to it).
  it.each([
    { owner: 'root:1234 0660', uid: 0, mode: 0o660 },
    { owner: '4321:1234 0640', uid: OPERATOR, mode: 0o640 },
  ])(
    'a ramp to 100 % and the rollback keep $owner of the env file',
    async ({ uid, mode }) => {
      const { legacy, target } = await providers();
      const { dir, envFile } = await sharedProject(legacy.url, target.url, { uid, mode });
      const before = await ownership(envFile);
      const original = await fs.readFile(envFile, 'utf8');
      expect(before).toMatchObject({ uid, gid: APP_GROUP, mode: mode.toString(8) });
      const kept = (now: Awaited<ReturnType<typeof ownership>>) => (uid === 0 ? now : { ...now, ino: before.ino });

      const ramp = await asOperator(dir, ['ramp', '--env', 'canary', '--yes'], target.url);
      expect(ramp.code, ramp.stderr).toBe(0);
      expect(kept(await ownership(envFile))).toEqual(before);
      const cut = await fs.readFile(envFile, 'utf8');
      expect(cut).toContain(`OPENAI_API_KEY=${TARGET_KEY}`);
      expect(cut).toContain('LLM_TARGET_WEIGHT=100');
      // The group may read the file, and it now holds the target's key: the operator is told.
      expect(ramp.stderr).toContain(`${envFile} now holds an API key and is mode 0${mode.toString(8)} (group or others may read it): run \`chmod 600 ${envFile}\``);

      const rollback = await asOperator(dir, ['rollback', '--env', 'canary', '--yes'], target.url);
      expect(rollback.code, rollback.stderr).toBe(0);
      expect(kept(await ownership(envFile))).toEqual(before);
      expect(await fs.readFile(envFile, 'utf8')).toBe(original);

      // No journal or temp file left behind, and the operator's own state is private.
      expect((await fs.readdir(dir)).sort()).toEqual(['.env.canary', '.migrate', 'migrate.yaml']);
      const state = await fs.stat(path.join(dir, '.migrate/state/canary.json'));
      expect([state.uid, state.mode & 0o777]).toEqual([OPERATOR, 0o600]);
      for (const text of [ramp.stdout, ramp.stderr, rollback.stdout, rollback.stderr]) {
        expect(text).not.toContain(LEGACY_KEY);
        expect(text).not.toContain(TARGET_KEY);
      }
    },
    60_000,
  );

  // root:1234 0640: the group may read, not write. Only a rename could replace it, and that would
  // hand it to 4321:4321 (the app's user would lose it): refused, like a 0444 file.
  it.each([
    { label: '0640', mode: 0o640 },
    { label: '0444', mode: 0o444 },
  ])(
    'refuses a root:1234 $label env file it may not write with exit 2, one line naming it, and changes nothing',
    async ({ mode }) => {
      const { legacy, target } = await providers();
      const { dir, envFile } = await sharedProject(legacy.url, target.url, { uid: 0, mode });
      const before = await ownership(envFile);
      const original = await fs.readFile(envFile, 'utf8');

      const r = await asOperator(dir, ['ramp', '--env', 'canary', '--yes'], target.url);

      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${envFile} is mode 0${mode.toString(8)}, owner 0:${APP_GROUP}, and this user (uid ${OPERATOR}) may not write it: nothing was changed`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(await ownership(envFile)).toEqual(before);
      expect(await fs.readFile(envFile, 'utf8')).toBe(original);
      expect(target.count()).toBe(0);
    },
    30_000,
  );
});
