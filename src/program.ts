// The program as commander declares it: every command, flag, help text and usage error. Declarations
// only: it reads argv and says which command to run with what (cli.ts runs it), so `--help` loads
// no command's code.
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { GlobalOptions, Invocation } from './context.js';
import { COMMAND_NAMES, commandNamed } from './command-name.js';
import { addExamples } from './help-examples.js';
import { LIMITS } from './limits.js';

// Nothing runs at import: cli.ts calls readArgv(), and tests call buildProgram().

const EXIT_CODES = `
Exit codes:
  0    success
  1    the thing checked is unhealthy (check or validate failed, a gate failed and the ramp rolled back)
  2    usage or configuration error
  3    rollback could not complete: a person must act (the message says what to run)
  130  interrupted (Ctrl-C or SIGTERM)`;

function int(name: string, min = 0, max?: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    if (max !== undefined && n > max) throw new InvalidArgumentError(`${name} must be at most ${max}`);
    return n;
  };
}

function ratio(value: string) {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a number between 0 and 1');
  return n;
}

function positiveNumber(name: string, max?: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number > 0`);
    if (max !== undefined && n > max) throw new InvalidArgumentError(`${name} must be at most ${max}`);
    return n;
  };
}

function collect(value: string, previous: string[] = []) {
  return [...previous, value];
}

const providerOption = () => new Option('--provider <role>', 'which provider to use').choices(['legacy', 'target', 'all']).default('all');

/** A positional whose words completion offers; the command judges them itself (with its own message). */
function words(name: string, description: string, choices: string[]): Argument {
  return Object.assign(new Argument(name, description), { argChoices: choices });
}

/** Called with what argv asks for when commander has read it all (no command runs inside commander). */
type OnAction = (invocation: Invocation) => void;

const GLOBAL_KEYS = ['config', 'env', 'json', 'yes', 'dryRun', 'verbose', 'quiet', 'color'] as const;

/**
 * Shared flags are declared on the program (`migrate --json check`) and again on each command
 * (`migrate check --json`), with positional options on, so `--json` before a command never
 * swallows the command's name. A flag given after the command wins.
 */
function sharedOptions(cmd: Command, json = new Option('--json', 'print one JSON document on stdout')): Command {
  return cmd
    .option('-c, --config <file>', 'config file (default: ./migrate.yaml or $MIGRATE_CONFIG)')
    .option('-e, --env <name>', 'environment to act on (canary, production, ...)')
    .addOption(json)
    .option('-y, --yes', 'answer yes to confirmations (required in CI for dangerous steps)')
    .option('-n, --dry-run', 'print the writes and commands without doing them (reads still happen)')
    .option('-v, --verbose', 'more detail, and stack traces on errors')
    .option('-q, --quiet', 'only results and errors')
    .option('--no-color', 'disable colour (also NO_COLOR=1)');
}

function globalsOf(program: Command, cmd: Command): GlobalOptions {
  const global: Record<string, unknown> = {};
  for (const key of GLOBAL_KEYS) {
    global[key] = cmd.getOptionValueSource(key) === 'cli' ? cmd.getOptionValue(key) : program.getOptionValue(key);
  }
  return global;
}

/** What a command's run() is given: its own flags (the shared ones go to the Context) and its positionals. */
function optionsOf(cmd: Command, extra: object = {}): Record<string, unknown> & { args: string[] } {
  const own = Object.fromEntries(Object.entries(cmd.opts()).filter(([key]) => !(GLOBAL_KEYS as readonly string[]).includes(key)));
  return { ...own, ...extra, args: cmd.args };
}

function action(program: Command, onAction: OnAction, extra: object = {}) {
  return (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    onAction({ command: cmd.name(), opts: optionsOf(cmd, extra), global: globalsOf(program, cmd) });
  };
}

/** The program with every command, or only `only` (see commandNamed): the same declarations either way. */
export function buildProgram(version: string, only?: string, onAction: OnAction = () => {}): Command {
  const wanted = (name: string) => only === undefined || only === name;
  const program = sharedOptions(new Command('migrate'))
    .description("Move an application's LLM API traffic between OpenAI-compatible providers without an outage")
    .version(version, '-V, --version')
    .enablePositionalOptions()
    .addHelpText('after', EXIT_CODES)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  if (wanted('init'))
    sharedOptions(program.command('init'))
      .description("find the app's LLM settings in its env and compose files; write migrate.yaml and .env.migrate")
      .option('--force', 'overwrite an existing migrate.yaml')
      .action(action(program, onAction));

  if (wanted('config'))
    sharedOptions(program.command('config'))
      .description('print the resolved config with every secret redacted')
      .option('--strict', 'exit 2 when the config has warnings (a key sent over http://, a key written in the file)')
      .action(action(program, onAction));

  if (wanted('check'))
    sharedOptions(program.command('check'))
      .description('reach both providers: DNS, TLS, auth, models, chat, streaming, latency p50/p95/p99')
      .addOption(providerOption())
      .option('--samples <n>', 'timed requests per node after one warm-up (default: config check.samples, 5)', int('--samples', 1, LIMITS.samples))
      .option('--max-p95 <ms>', 'fail a node whose p95 total exceeds this', int('--max-p95', 1))
      .option('--max-errors <n>', 'fail a node with more failed samples than this', int('--max-errors'))
      .option('--strict-models', 'fail (not warn) when /models is not served')
      .option('--strict', 'exit 2 when the config has warnings, before any request')
      .action(action(program, onAction));

  if (wanted('validate'))
    sharedOptions(program.command('validate'), new Option('--json [file]', 'print the report as one JSON document on stdout, or write it to FILE'))
      .description('run the test-prompt suite on legacy and target side by side, with OpenAI conformance checks')
      .addOption(providerOption())
      .option('-s, --suite <file>', 'suite file (repeatable; default: config validate.suites or the built-in suite)', collect)
      .option('--concurrency <n>', 'requests in flight', int('--concurrency', 1, LIMITS.concurrency))
      .option('--rpm <n>', 'requests per minute per provider', int('--rpm', 1))
      .option('--junit <file>', 'write a JUnit XML report')
      .option('--markdown <file>', 'write a markdown report')
      .option('--html <file>', 'write a self-contained HTML report: legacy and target side by side per case, failures expanded')
      .option('--min-pass-rate <ratio>', 'pass when at least this share of target cases pass (0..1)', ratio)
      .option('--case <id>', 'run only cases whose id matches (repeatable)', collect)
      // Both forms declared, so an absent flag leaves validate.probes in charge (commander would default a lone --no- flag to true).
      .option('--probes', 'send the conformance probes even when validate.probes is false')
      .option('--no-probes', 'skip the conformance probes (a bad key, an unknown model, GET /models; 3 per provider)')
      .action(action(program, onAction));

  if (wanted('backup'))
    sharedOptions(program.command('backup'))
      .description("snapshot an environment's env files (backup list: show backups)")
      .addArgument(words('[subcommand]', 'leave out to take a backup', ['list']))
      .option('-m, --message <text>', 'note stored with the backup')
      .action(action(program, onAction));

  if (wanted('rollback'))
    sharedOptions(program.command('rollback'))
      .description('restore env files from a backup, recreate the compose services and verify')
      .option('--to <id>', 'backup id to restore (default: the newest from before the current ramp)')
      .option('--no-restart', 'restore files only; do not recreate services')
      .action(action(program, onAction));

  if (wanted('ramp'))
    sharedOptions(program.command('ramp'), new Option('--json', 'print one JSON event per line on stdout (JSON Lines)'))
      .description('shift traffic in gated stages (5 → 20 → 50 → 100 %); rolls back by itself on failure')
      .option('--stages <list>', 'comma-separated weights, e.g. 10,50,100 (shadow first: shadow,5,20,50,100)')
      .option('--shadow <share>', 'start with a shadow stage: copy this share of requests to target (e.g. 10%) while legacy serves everyone (nginx driver)')
      .option('--resume', 'continue an interrupted ramp from its state')
      .option('--validate', 'run the validation suite during preflight (or set ramp.validate: true in migrate.yaml)')
      .option('--soak <duration>', 'how long each stage is held (e.g. 60s)')
      .option('--interval <duration>', 'how often gates decide during a soak (e.g. 10s)')
      .option('--min-samples <n>', 'requests a gate needs in a window to decide (default: ramp.gates.minSamples, 20)', int('--min-samples'))
      .option('--rps <n>', 'probe requests per second to each provider (default: ramp.sources.probes.rps, 2)', positiveNumber('--rps', LIMITS.rps))
      .option('--force', "go on although the env driver cannot carry the target's headers or model names (the app sends them itself)")
      .option(
        '--metrics-port <port>',
        "serve the ramp's progress as Prometheus metrics on 127.0.0.1:PORT/metrics while it runs (or ramp.metricsPort)",
        int('--metrics-port', 1, 65535),
      )
      .action(action(program, onAction));

  if (wanted('status')) sharedOptions(program.command('status')).description('where each ramp is and what its gates saw').action(action(program, onAction));

  if (wanted('report'))
    sharedOptions(program.command('report'))
      .description('write the last ramp of an environment as one self-contained HTML file: timeline charts, decisions, validation and cost')
      .option('-o, --out <file>', 'where to write it (default: migrate-report-<env>.html)')
      .action(action(program, onAction));

  if (wanted('nginx-config'))
    sharedOptions(program.command('nginx-config'))
      .description('print the nginx include the nginx traffic driver would write (--write: write it)')
      .option('--weight <percent>', 'target weight to render', int('--weight'), 0)
      .option('--write', 'write the include with the real keys (mode 0600) where traffic.file says, instead of printing it')
      .action(action(program, onAction));

  if (wanted('gateway'))
    sharedOptions(program.command('gateway'))
      .description('put nginx in front of a compose app as an llm-gateway service (setup), show it (status), take it out (remove)')
      .addArgument(words('<subcommand>', 'what to do', ['setup', 'status', 'remove']))
      .option('--image <image>', 'setup: the nginx image (default: config gateway.image, nginx:stable)')
      .option('--port <port>', 'setup: the port the gateway listens on (default: config gateway.port, 8089)', int('--port', 1))
      .option('--network-mode <mode>', "setup: the gateway's network_mode (default: host when the app's services use it)")
      .action(action(program, onAction));

  if (wanted('monitoring'))
    sharedOptions(program.command('monitoring'))
      .description(
        "write the mtail program, blackbox_exporter modules, Prometheus config, rules and alerts, Grafana dashboard and compose override that watch an environment's gateway and nodes",
      )
      .option('--out <dir>', 'where to write them (default: monitoring/<env> beside migrate.yaml)')
      .option('--force', 'overwrite files written before')
      .option('--image <image>', 'the image (with glibc) the compose override runs the host mtail and blackbox_exporter binaries in (default: debian:bookworm-slim)')
      .option('--metrics-port <port>', 'the port `migrate ramp --metrics-port` serves on, for Prometheus to scrape (default: 9477)', int('--metrics-port', 1, 65535))
      .option('--mtail-port <port>', "mtail's /metrics port on loopback (default: 3903)", int('--mtail-port', 1, 65535))
      .option('--blackbox-port <port>', "blackbox_exporter's port on loopback (default: 9115)", int('--blackbox-port', 1, 65535))
      .action(action(program, onAction));

  if (wanted('doctor'))
    sharedOptions(program.command('doctor'))
      .description('check this machine and project, one line each with the fix: Node, docker, compose, nginx, config, state directory, env files, clock')
      .action(action(program, onAction));

  if (wanted('completion'))
    sharedOptions(program.command('completion'))
      .description('print the shell completion script (commands, flags, environment names, backup ids)')
      .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
      .action(action(program, onAction, { program }));

  // What the completion scripts call on Tab: environment names or backup ids, silent on any error.
  if (wanted('__complete'))
    sharedOptions(program.command('__complete', { hidden: true }))
      .argument('<list>', 'environments or backups')
      .action(action(program, onAction));

  return addExamples(program);
}

/**
 * Whether `--json` (on the program or the command) asks for the document on stdout. Read from argv:
 * a flag error can stop commander before it parses `--json`. `validate --json FILE` (or `--json=FILE`)
 * writes to a file, so stdout stays empty there; a command name after it is no file.
 */
function jsonOnStdout(argv: readonly string[], commands: readonly string[]): boolean {
  let json = false;
  let command: string | undefined;
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const token = argv[i]!;
    if (token.startsWith('--json=')) json = token === '--json=-';
    else if (token === '--json') {
      const next = argv[i + 1];
      // Only validate's --json takes a file, and only after the command name.
      json = command !== 'validate' || next === undefined || next === '-' || next.startsWith('-') || commands.includes(next);
    } else if (command === undefined && commands.includes(token)) command = token;
  }
  return json;
}

/** A flag or usage error: commander has written its line to stderr; under --json, stdout gets the error document. */
function usageError(err: CommanderError, args: readonly string[]): number {
  if (jsonOnStdout(args, COMMAND_NAMES)) {
    const message = err.code === 'commander.help' ? 'no command given: run `migrate --help` for the list' : err.message.replace(/^error: /, '');
    const error = { message, details: [], hint: 'run with --help for usage', exitCode: 2 };
    process.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
  }
  return 2;
}

/**
 * What argv asks for, read by the declared program (argv is process.argv: node, script, ...args): the
 * command to run, or the exit code when there is none to run (help, a usage error: commander has
 * written those).
 */
export async function readArgv(argv: readonly string[], version: string): Promise<Invocation | number> {
  let invocation: Invocation | undefined;
  const program = buildProgram(version, commandNamed(argv.slice(2)), (read) => (invocation = read));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : usageError(err, argv.slice(2));
    throw err;
  }
  return invocation ?? 0;
}
