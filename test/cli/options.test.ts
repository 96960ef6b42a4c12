// argv → the options each command's run() receives, for every command (changesets' cli.test.ts style).
// Each expected object is typed as that command's run() parameter, so tsc rejects a row that names a
// field the command does not declare, and the runtime equality rejects a flag that program.ts parses
// into anything else: a flag cannot drift from its options type unnoticed. In-process: buildProgram()
// reading argv, so no command runs.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/program.js';
import { COMMAND_NAMES, commandNamed } from '../../src/command-name.js';
import type * as backup from '../../src/commands/backup/index.js';
import type * as check from '../../src/commands/check/index.js';
import type * as complete from '../../src/commands/complete/index.js';
import type * as completion from '../../src/commands/completion/index.js';
import type * as config from '../../src/commands/config/index.js';
import type * as doctor from '../../src/commands/doctor/index.js';
import type * as gateway from '../../src/commands/gateway/index.js';
import type * as init from '../../src/commands/init/index.js';
import type * as monitoring from '../../src/commands/monitoring/index.js';
import type * as nginxConfig from '../../src/commands/nginx-config/index.js';
import type * as ramp from '../../src/commands/ramp/index.js';
import type * as report from '../../src/commands/report/index.js';
import type * as rollback from '../../src/commands/rollback/index.js';
import type * as status from '../../src/commands/status/index.js';
import type * as validate from '../../src/commands/validate/index.js';

type Run = { run: (...a: never[]) => unknown };
/** The options a command's run() takes (commands without any get only their positionals). */
type Opts<M extends Run> = Parameters<M['run']> extends [unknown, infer O] ? O : Record<never, never>;

interface Row {
  argv: string[];
  expected: Record<string, unknown>;
}

function row<M extends Run>(argv: string[], expected: Opts<M> & { args: string[] }): Row {
  return { argv, expected };
}

/** Parse argv as `migrate` would: what the command's run() would get (no command runs in the program). */
async function parse(argv: string[], only: string | undefined = commandNamed(argv)): Promise<Record<string, unknown>> {
  let got: Record<string, unknown> | undefined;
  const program = buildProgram('0.0.0-test', only, ({ opts }) => {
    // completion also gets the program itself; compare that by presence.
    got = 'program' in opts ? { ...opts, program: 'program' } : opts;
  });
  await program.parseAsync(argv, { from: 'user' });
  if (!got) throw new Error(`no command ran for ${argv.join(' ')}`);
  return got;
}

const ROWS: Row[] = [
  row<typeof init>(['init', '--force'], { force: true, args: [] }),
  row<typeof config>(['config', '--strict', '--json'], { strict: true, args: [] }),
  row<typeof check>(['check'], { provider: 'all', args: [] }),
  row<typeof check>(['check', '--provider', 'target', '--samples', '3', '--max-p95', '900', '--max-errors', '1', '--strict-models', '--strict'], {
    provider: 'target',
    samples: 3,
    maxP95: 900,
    maxErrors: 1,
    strictModels: true,
    strict: true,
    args: [],
  }),
  row<typeof validate>(
    [
      'validate',
      '-s',
      'a.yaml',
      '-s',
      'b.yaml',
      '--concurrency',
      '4',
      '--rpm',
      '60',
      '--junit',
      'j.xml',
      '--markdown',
      'r.md',
      '--html',
      'r.html',
      '--min-pass-rate',
      '0.9',
      '--case',
      'x',
      '--no-probes',
    ],
    {
      provider: 'all',
      suite: ['a.yaml', 'b.yaml'],
      concurrency: 4,
      rpm: 60,
      junit: 'j.xml',
      markdown: 'r.md',
      html: 'r.html',
      minPassRate: 0.9,
      case: ['x'],
      probes: false,
      args: [],
    },
  ),
  row<typeof validate>(['validate', '--probes'], { provider: 'all', probes: true, args: [] }),
  row<typeof backup>(['backup', '-m', 'before the ramp'], { message: 'before the ramp', args: [] }),
  row<typeof backup>(['backup', 'list'], { args: ['list'] }),
  row<typeof rollback>(['rollback', '--to', '20260101T000000Z', '--no-restart'], { to: '20260101T000000Z', restart: false, args: [] }),
  row<typeof rollback>(['rollback'], { restart: true, args: [] }),
  row<typeof ramp>(
    [
      'ramp',
      '--stages',
      '10,50,100',
      '--shadow',
      '10%',
      '--resume',
      '--validate',
      '--soak',
      '60s',
      '--interval',
      '10s',
      '--min-samples',
      '5',
      '--rps',
      '2.5',
      '--force',
      '--metrics-port',
      '9477',
    ],
    { stages: '10,50,100', shadow: '10%', resume: true, validate: true, soak: '60s', interval: '10s', minSamples: 5, rps: 2.5, force: true, metricsPort: 9477, args: [] },
  ),
  row<typeof status>(['status'], { args: [] }),
  row<typeof report>(['report', '-o', 'r.html'], { out: 'r.html', args: [] }),
  row<typeof nginxConfig>(['nginx-config', '--weight', '20', '--write'], { weight: 20, write: true, args: [] }),
  row<typeof nginxConfig>(['nginx-config'], { weight: 0, args: [] }),
  row<typeof gateway>(['gateway', 'setup', '--image', 'nginx:1.27', '--port', '8090', '--network-mode', 'host'], {
    image: 'nginx:1.27',
    port: 8090,
    networkMode: 'host',
    args: ['setup'],
  }),
  row<typeof monitoring>(['monitoring', '--out', 'mon', '--force', '--image', 'debian:12', '--metrics-port', '9478', '--mtail-port', '3904', '--blackbox-port', '9116'], {
    out: 'mon',
    force: true,
    image: 'debian:12',
    metricsPort: 9478,
    mtailPort: 3904,
    blackboxPort: 9116,
    args: [],
  }),
  row<typeof doctor>(['doctor'], { args: [] }),
  row<typeof completion>(['completion', 'bash'], { program: 'program' as never, args: ['bash'] }),
  row<typeof complete>(['__complete', 'environments'], { args: ['environments'] }),
];

describe('argv → typed command options', () => {
  it('declares the commands command-name.ts lists (cli.ts has a module for each of those), in order', () => {
    expect(buildProgram('0.0.0-test').commands.map((c) => c.name())).toEqual(COMMAND_NAMES);
  });

  it('covers every command', () => {
    const covered = new Set(ROWS.map((r) => r.argv[0]));
    expect(
      buildProgram('0.0.0-test')
        .commands.map((c) => c.name())
        .filter((name) => !covered.has(name)),
    ).toEqual([]);
  });

  it.each(ROWS.map((r) => [r.argv.join(' '), r] as const))('%s', async (_name, { argv, expected }) => {
    expect(await parse(argv)).toEqual(expected);
    // As `migrate` runs it (only the named command declared) and with every command declared.
    expect(await parse(argv, undefined)).toEqual(expected);
  });

  it('shared flags go to the context, not the options, before or after the command', async () => {
    expect(await parse(['--json', '-e', 'canary', 'status'])).toEqual({ args: [] });
    expect(await parse(['status', '--json', '--env', 'canary', '-y', '-n', '-v', '-q', '--no-color'])).toEqual({ args: [] });
  });
});

describe('only the command argv names is declared', () => {
  it.each([
    [['rollback', '--dry-run'], 'rollback'],
    [['--json', '-e', 'canary', '--config', 'x.yaml', 'status'], 'status'],
    [['-c', 'rollback', 'check'], 'check'],
    [['-ve', 'backup', 'rollback'], 'rollback'],
    [['-ce', 'status', 'rollback'], 'status'],
    [['--env=canary', 'nginx-config'], 'nginx-config'],
    [['__complete', 'backups'], '__complete'],
  ])('%j declares %s alone', (argv, name) => {
    expect(commandNamed(argv)).toBe(name);
    expect(buildProgram('0.0.0-test', commandNamed(argv)).commands.map((c) => c.name())).toEqual([name]);
  });

  it.each([[[]], [['--help']], [['help', 'rollback']], [['rollbak']], [['completion', 'bash']], [['--', 'rollback']]])('%j declares every command', (argv) => {
    expect(commandNamed(argv)).toBeUndefined();
  });

  it("each command's --help is the same declared alone as among all", () => {
    const all = buildProgram('0.0.0-test');
    for (const cmd of all.commands) {
      const alone = buildProgram('0.0.0-test', cmd.name()).commands;
      expect(alone.map((c) => c.name())).toEqual([cmd.name()]);
      expect(alone[0]!.helpInformation()).toBe(cmd.helpInformation());
    }
  });
});
