import type { Notifier } from '../notify/webhook.js';
import type { Output } from '../output/output.js';
import { Redactor } from '../redact.js';
import { appendAudit } from '../state/audit.js';
import { isNotifiable, type RampEvent, type RampEventInput } from './events.js';
import { eventLine, liveLine, type LiveView } from './render.js';

export interface JournalOptions {
  environment: string;
  out: Output;
  /** Audit lines go here; undefined under --dry-run (nothing is written). */
  stateDir?: string;
  secrets: string[];
  /** The Context's processEnv: the audit line's user when the uid has no passwd entry ($USER). */
  processEnv?: NodeJS.ProcessEnv;
  notifier?: Notifier;
  startedAt: number;
  /** Sees every event after redaction (the --metrics-port metrics). */
  onEvent?: (event: RampEvent) => void;
}

/** Events the audit log keeps: what changed traffic and why, not progress chatter. */
const AUDITED = new Set<RampEvent['event']>(['preflight', 'stage', 'containers', 'decision', 'rollback', 'end']);

/**
 * Every ramp event goes through here once: printed (a plain line, or one JSON line on stdout
 * with --json), appended to the audit log, and sent to the webhook. Secrets are redacted first.
 */
export class Journal {
  private readonly redactor: Redactor;

  constructor(private readonly opts: JournalOptions) {
    this.redactor = new Redactor(opts.secrets);
  }

  async emit(input: RampEventInput): Promise<RampEvent> {
    const { event: kind, ...rest } = input;
    const event = this.redactor.value({ event: kind, time: new Date().toISOString(), environment: this.opts.environment, ...rest } as RampEvent);
    this.print(event);
    this.opts.onEvent?.(event);
    if (isNotifiable(event)) this.opts.notifier?.send(event);
    if (this.opts.stateDir && AUDITED.has(event.event) && !(event.event === 'stage' && event.status === 'applying')) {
      await this.audit(event);
    }
    return event;
  }

  /** The in-place line at a terminal; nothing in CI or with --json. */
  live(view: LiveView): void {
    if (this.opts.out.json) return;
    this.opts.out.live(liveLine(view, this.opts.out.c));
  }

  warn(text: string): void {
    this.opts.out.warn(this.redactor.text(text));
  }

  private print(event: RampEvent): void {
    const out = this.opts.out;
    if (out.json) {
      out.opts.stdout.write(`${JSON.stringify(event)}\n`);
      return;
    }
    const line = eventLine(event, out.c);
    if (line === undefined) return;
    if (event.event === 'end' || event.event === 'plan' || (event.event === 'rollback' && event.status === 'failed')) out.print(line);
    else out.info(line);
  }

  private async audit(event: RampEvent): Promise<void> {
    const { event: _kind, time: _time, environment, ...details } = event;
    const result = auditResult(event);
    await appendAudit(
      this.opts.stateDir!,
      { command: 'ramp', environment, result, durationMs: Date.now() - this.opts.startedAt, details },
      { secrets: this.opts.secrets, processEnv: this.opts.processEnv },
    ).catch((err: Error) => this.opts.out.warn(`could not write the audit log: ${err.message}`));
  }
}

/** `completed`, `stage-soaking`, `decision`, `rollback-done`, `preflight-backup`, ... */
function auditResult(e: RampEvent): string {
  switch (e.event) {
    case 'end':
      return e.status;
    case 'stage':
    case 'rollback':
      return `${e.event}-${e.status}`;
    case 'preflight':
      return `preflight-${e.step}${e.ok ? '' : '-failed'}`;
    default:
      return e.event;
  }
}
