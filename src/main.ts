import type { CommandRun, Context, GlobalOptions } from './context.js';
import { ExitCode, MigrateError } from './errors.js';
import { colorEnabled } from './core/output/color.js';
import { Output } from './core/output/output.js';
import { errorRedactor } from './core/known-secrets.js';
import { Prompter, nobodyToAsk } from './core/prompter.js';
import { type SignalHooks, signalHub } from './core/signals.js';
import { terminalQuestions } from './core/terminal-questions.js';

export function isCI(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CI && env.CI !== 'false' && env.CI !== '0');
}

export function createContext(global: GlobalOptions, version: string, signal: AbortSignal, signals: SignalHooks): Context {
  const env = process.env;
  const ci = isCI(env);
  const stdinTTY = Boolean(process.stdin.isTTY);
  const stdoutTTY = Boolean(process.stdout.isTTY);
  const stderrTTY = Boolean(process.stderr.isTTY);
  const out = new Output({
    stdout: process.stdout,
    stderr: process.stderr,
    json: Boolean(global.json === true || (typeof global.json === 'string' && global.json === '-')),
    quiet: Boolean(global.quiet),
    verbose: Boolean(global.verbose),
    color: colorEnabled({ isTTY: stderrTTY, flag: global.color, processEnv: env }),
    stdoutColor: colorEnabled({ isTTY: stdoutTTY, flag: global.color, processEnv: env }),
    live: stderrTTY && !ci,
  });
  return {
    cwd: process.cwd(),
    processEnv: env,
    out,
    global,
    prompter: new Prompter(terminalQuestions(process.stderr), {
      yes: Boolean(global.yes),
      dryRun: Boolean(global.dryRun),
      nobody: nobodyToAsk({ ci, stdinTTY, stdoutTTY }),
    }),
    ci,
    signal,
    signals,
    version,
  };
}

/** The only listener on the process's signals; with execute() the only place that ends the process. */
function trapSignals(controller: AbortController): SignalHooks {
  const hub = signalHub(controller, () => process.exit(ExitCode.interrupted));
  process.on('SIGINT', () => hub.deliver('SIGINT'));
  process.on('SIGTERM', () => hub.deliver('SIGTERM'));
  return hub.hooks;
}

/** The one place that catches errors, prints them and sets the exit code. */
export async function execute<O>(load: () => Promise<{ run: CommandRun<O> }>, opts: O, global: GlobalOptions, version: string): Promise<void> {
  const controller = new AbortController();
  const signals = trapSignals(controller);
  const ctx = createContext(global, version, controller.signal, signals);
  // The CLI runs from a bundle; its stack traces name src/ lines only with the source maps on.
  if (global.verbose) process.setSourceMapsEnabled(true);
  try {
    const { run } = await load();
    const code = await run(ctx, opts);
    process.exitCode = code ?? ExitCode.ok;
  } catch (err) {
    process.exitCode = report(ctx, err);
  }
}

export function report(ctx: Context, err: unknown): number {
  const out = ctx.out;
  // Every error path is redacted here, whatever raised it: a key must not reach the terminal or CI logs.
  const r = errorRedactor(ctx.processEnv);
  if (err instanceof MigrateError) {
    const message = r(err.message);
    const details = err.details.map(r);
    const hint = err.hint === undefined ? undefined : r(err.hint);
    out.error(message);
    for (const line of details) out.error(`  ${line}`);
    if (hint) process.stderr.write(`${out.c.cyan('hint:')} ${hint}\n`);
    if (ctx.global.verbose && err.stack) process.stderr.write(`${r(err.stack)}\n`);
    if (out.json) {
      const error = { message, details, hint, exitCode: err.exitCode };
      out.printJson(err.data === undefined ? { ok: false, error } : { ok: false, error, report: redactValue(err.data, r) });
    }
    return err.exitCode;
  }
  const message = r(err instanceof Error ? err.message : String(err));
  out.error(`unexpected: ${message}`);
  if (ctx.global.verbose && err instanceof Error && err.stack) process.stderr.write(`${r(err.stack)}\n`);
  else process.stderr.write('run again with --verbose for the stack trace\n');
  if (out.json) out.printJson({ ok: false, error: { message, exitCode: ExitCode.unhealthy } });
  return ExitCode.unhealthy;
}

function redactValue(value: unknown, r: (text: string) => string): unknown {
  if (typeof value === 'string') return r(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, r));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, r)]));
  return value;
}
