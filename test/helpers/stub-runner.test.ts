// The stub runner holds tests to the exact commands: an unknown one fails even when the code under
// test swallows the error, a stub matches once, and a stub that never ran is reported.
import { describe, expect, it } from 'vitest';
import { stubRunner } from './stub-runner.js';

const up = ['docker', 'compose', 'up', '-d', 'app'];

describe('stubRunner', () => {
  it('answers a stubbed command once with its result, exit 0 and no output by default', async () => {
    const run = stubRunner().stub(up, { stdout: 'done' }).stub(['nginx', '-t']);
    expect(await run({ argv: up, kind: 'write' })).toMatchObject({ exitCode: 0, stdout: 'done', stderr: '', skipped: false, timedOut: false });
    expect(await run({ argv: ['nginx', '-t'], kind: 'read' })).toMatchObject({ exitCode: 0, stdout: '' });
    expect(run.ran.map((c) => c.argv)).toEqual([up, ['nginx', '-t']]);
  });

  it('refuses a command no stub matches, and remembers it even if the caller swallowed the error', async () => {
    const run = stubRunner({ check: false }).stub(up);
    await expect(run({ argv: ['docker', 'compose', 'up', '-d', 'worker'], kind: 'write' })).rejects.toThrow('unexpected command (no stub matches): docker compose up -d worker');
    await run({ argv: up, kind: 'write' });
    await expect(run({ argv: up, kind: 'write' })).rejects.toThrow('no stub matches'); // once each
    expect(run.problems()).toEqual(['ran without a stub: docker compose up -d worker', 'ran without a stub: docker compose up -d app']);
  });

  it('reports every stub that never ran', () => {
    const run = stubRunner({ check: false }).stub(up).stub(['nginx', '-s', 'reload']);
    expect(run.problems()).toEqual(['stub never ran: docker compose up -d app', 'stub never ran: nginx -s reload']);
  });
});
