// The control plane under /_fake/ (outside /v1, no auth): lets another process, such as the
// demo or a container, switch faults and read counts at run time.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultsPatch } from './faults-schema.js';
import type { FaultState } from './faults.js';
import { readBody, sendJson } from './http-io.js';
import type { RequestLog } from './request-log.js';

export interface ControlTarget {
  name: string;
  faults: FaultState;
  log: RequestLog;
}

const RECENT = 100;

export async function handleControl(target: ControlTarget, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const route = `${req.method} ${path}`;
  switch (route) {
    case 'GET /_fake/stats':
      return sendJson(res, 200, stats(target));
    case 'GET /_fake/requests':
      return sendJson(res, 200, target.log.all.slice(-RECENT));
    case 'GET /_fake/faults':
      return sendJson(res, 200, target.faults.faults);
    case 'POST /_fake/faults':
    case 'PUT /_fake/faults':
      return changeFaults(target, req, res, route.startsWith('PUT'));
    case 'DELETE /_fake/faults':
      target.faults.reset();
      return sendJson(res, 200, target.faults.faults);
    case 'POST /_fake/reset-counts':
      target.log.clear();
      return sendJson(res, 200, stats(target));
    default:
      return sendJson(res, 404, { error: `no control route ${route}` });
  }
}

/** POST merges into the faults in force; PUT replaces them. */
async function changeFaults(target: ControlTarget, req: IncomingMessage, res: ServerResponse, replace: boolean): Promise<void> {
  try {
    // set() validates it (parseFaultsPatch): a bad patch is a 400 below.
    const patch = JSON.parse((await readBody(req)) || '{}') as FaultsPatch;
    if (replace) target.faults.reset();
    target.faults.set(patch);
    sendJson(res, 200, target.faults.faults);
  } catch (error) {
    sendJson(res, 400, { error: (error as Error).message });
  }
}

function stats({ name, faults, log }: ControlTarget): object {
  const byPath: Record<string, Record<string, number>> = {};
  for (const record of log.all) {
    const statuses = (byPath[record.path] ??= {});
    const status = String(record.status ?? 'none');
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  return { name, total: log.count(), byPath, faults: faults.faults };
}
