import { stripAnsi } from './ansi.js';
import { type Colors, makeColors } from './color.js';

export interface OutputOptions {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
  /** stdout is a terminal that may get colour; when piped, printed results lose their ANSI codes. */
  stdoutColor?: boolean;
  /** CI or no TTY: plain lines, no spinners or in-place updates. */
  live: boolean;
}

/**
 * Data goes to stdout, everything else to stderr. With --json, stdout carries exactly one
 * JSON document (written by `json()`), and `print()` is silenced.
 */
export class Output {
  readonly c: Colors;
  readonly opts: OutputOptions;
  private liveLine = false;
  /** Set by a command whose --json is a stream of events (JSON Lines): every document is one line, errors too. */
  jsonLines = false;

  constructor(opts: OutputOptions) {
    this.opts = opts;
    this.c = makeColors(opts.color);
  }

  get json(): boolean {
    return this.opts.json;
  }

  /** Human result text on stdout (tables, reports). Skipped in --json mode. */
  print(text = ''): void {
    if (this.opts.json) return;
    this.clearLive();
    const plain = this.opts.stdoutColor === false ? stripAnsi(text) : text;
    this.opts.stdout.write(plain.endsWith('\n') ? plain : `${plain}\n`);
  }

  /** The single JSON document for --json (one line of the stream, with jsonLines). */
  printJson(data: unknown): void {
    this.opts.stdout.write(`${JSON.stringify(data, null, this.jsonLines ? undefined : 2)}\n`);
  }

  /** Progress and status on stderr; hidden by --quiet. */
  info(text: string): void {
    if (this.opts.quiet) return;
    this.line(text);
  }

  success(text: string): void {
    this.info(`${this.c.green('✓')} ${text}`);
  }

  warn(text: string): void {
    this.line(`${this.c.yellow('warning:')} ${text}`);
  }

  error(text: string): void {
    this.line(`${this.c.red('error:')} ${text}`);
  }

  debug(text: string): void {
    if (!this.opts.verbose) return;
    this.line(this.c.dim(text));
  }

  /** A line updated in place at a terminal; in CI only `final` lines are printed. */
  live(text: string, final = false): void {
    if (this.opts.quiet) return;
    if (this.opts.live) {
      this.opts.stderr.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
      this.liveLine = !final;
    } else if (final) {
      this.opts.stderr.write(`${text}\n`);
    }
  }

  private line(text: string): void {
    this.clearLive();
    this.opts.stderr.write(`${text}\n`);
  }

  private clearLive(): void {
    if (!this.liveLine) return;
    this.opts.stderr.write('\r\x1b[2K');
    this.liveLine = false;
  }
}
