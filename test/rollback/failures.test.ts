// What a rollback stopped after the restore says it did: a person reads it at 3 a.m. to decide what
// to run next, so each way of getting there names what was and was not done.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { afterRestore } from '../../src/core/rollback/failures.js';

const AGAIN = 'migrate rollback --env canary --to 20261204T224652.218Z-canary-723b --yes';

describe('a rollback interrupted after the restore', () => {
  it.each([
    [{ compose: true, recreated: true, held: false }, 'restored and the services recreated'],
    [{ compose: true, recreated: false, held: true }, 'restored (the containers already held them: nothing to recreate)'],
    [{ compose: true, recreated: false, held: false }, 'restored; services were not recreated'],
    [{ compose: false, recreated: false, held: false }, 'restored'],
  ])('%j: "the env files were %s", exit 130 and the command that finishes it', (progress, done) => {
    const err = afterRestore(new Error('aborted'), progress, true, AGAIN);
    expect(err.message).toBe(`interrupted after the env files were ${done}; the rollback is not verified`);
    expect(err.exitCode).toBe(ExitCode.interrupted);
    expect(err.hint).toBe(`run \`${AGAIN}\` to finish`);
  });
});
