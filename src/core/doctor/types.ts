/** One line of `migrate doctor`: what was looked at, what was found, and for a failure what to do. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

export const passed = (name: string, detail: string): DoctorCheck => ({ name, status: 'ok', detail });
export const failed = (name: string, detail: string, fix: string): DoctorCheck => ({ name, status: 'fail', detail, fix });
export const skipped = (name: string, detail: string): DoctorCheck => ({ name, status: 'skip', detail });

/** An error's text on one line: the message and its detail lines (config errors list file:line). */
export function oneLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const details = (err as { details?: unknown }).details;
  return Array.isArray(details) && details.length > 0 ? details.join('; ') : err.message;
}

export function hintOf(err: unknown, otherwise: string): string {
  const hint = (err as { hint?: unknown } | undefined)?.hint;
  return typeof hint === 'string' && hint ? hint : otherwise;
}
