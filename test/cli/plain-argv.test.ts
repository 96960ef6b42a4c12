// A plain `migrate rollback` is read without commander (src/plain-argv.ts). Here both readings
// meet on every argv built from the shared and rollback flags in each spelling, with odd ones among
// them (`-yn`, `--to=`, a value that looks like a flag, `--help`, a stray word): wherever the plain
// reader answers, commander reads the same command, options and shared flags, and it never answers
// where commander would print help or an error. In-process: the declared program, reading argv only.
import { describe, expect, it } from 'vitest';
import type { Invocation } from '../../src/context.js';
import { plainRollbackArgv } from '../../src/plain-argv.js';
import { buildProgram } from '../../src/program.js';

/** What commander reads from argv (after node and the script), or 'usage' for help and errors. */
async function byCommander(args: string[]): Promise<Invocation | 'usage'> {
  let read: Invocation | undefined;
  const program = buildProgram('0.0.0-test', 'rollback', (invocation) => (read = invocation));
  for (const cmd of [program, ...program.commands]) cmd.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch {
    return 'usage';
  }
  return read ?? 'usage';
}

const BEFORE = [
  [],
  ['--json'],
  ['-c', 'x.yaml'],
  ['--config=x.yaml'],
  ['-e', 'canary'],
  ['--env', 'prod'],
  ['-y'],
  ['--dry-run'],
  ['-v'],
  ['--quiet'],
  ['--no-color'],
  ['--to', 'a'],
  ['-yn'],
  ['--json=1'],
  // Values a plain reading could mistake: the command's own name, `=` inside, none at all, unicode.
  ['-c', 'rollback'],
  ['--env=a=b'],
  ['-e', ''],
];
const AFTER = [
  ['--to', '20261204T224652.218Z-canary-723b'],
  ['--to=b'],
  ['--no-restart'],
  ['--json'],
  ['-e', 'prod'],
  ['--env=staging'],
  ['-c', 'y.yaml'],
  ['-n'],
  ['--yes'],
  ['--verbose'],
  ['-q'],
  ['--no-color'],
  ['--to'],
  ['--to='],
  ['--env', '-x'],
  ['-ecanary'],
  ['--help'],
  ['-V'],
  ['extra'],
  ['--', 'x'],
  ['--no-restart=1'],
  ['rollback'],
  ['constructor'],
  ['__proto__', 'x'],
  ['--to', '-h'],
  ['--config=ü=1.yaml'],
  ['-c', '--'],
];

function* argvs(): Generator<string[]> {
  for (const before of BEFORE) {
    yield [...before, 'rollback'];
    for (const a of AFTER) {
      yield [...before, 'rollback', ...a];
      for (const b of AFTER) yield [...before, 'rollback', ...a, ...b];
    }
  }
}

describe('a plain `migrate rollback` read without commander', () => {
  it('reads every argv as commander does, or leaves it to commander', async () => {
    let plain = 0;
    for (const args of argvs()) {
      const read = plainRollbackArgv(args);
      if (read === undefined) continue;
      plain++;
      expect({ args, read: await byCommander(args) }).toStrictEqual({ args, read });
    }
    // Most of the plain spellings are read plainly (so the comparison above is not empty).
    expect(plain).toBeGreaterThan(1000);
  });

  it.each([
    [['--config', 'migrate.yaml', 'rollback', '--env', 'canary', '--dry-run']],
    [['rollback', '-e', 'production', '--yes', '--json']],
    [['--json', 'rollback', '--to', '20261204T224652.218Z-canary-723b', '--no-restart']],
    [['-e', 'canary', 'rollback', '--env=production', '--no-color', '-q']],
  ])('reads %j plainly, as commander does', async (args) => {
    const read = plainRollbackArgv(args);
    expect(read).toBeDefined();
    expect(await byCommander(args)).toStrictEqual(read);
  });

  it.each([[['rollback', '--help']], [['rollback', '-yn']], [['rollback', '--to']], [['--to', 'x', 'rollback']], [['rollback', 'now']], [['status']], [[]]])(
    'leaves %j to commander',
    (args) => {
      expect(plainRollbackArgv(args)).toBeUndefined();
    },
  );
});
