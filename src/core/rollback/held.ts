import path from 'node:path';
import type { ContainerView } from '../appview/read.js';
import type { ComposeModel } from '../compose/model.js';
import { parse, values } from '../envfile/parse.js';
import type { FileRestore } from './plan.js';

// A recreate is downtime for the app. When the rollback wrote no file, the containers may already
// hold what the restored files say (behind the gateway they hold its URL before and after; a rollback
// run twice): then there is nothing to recreate. "Hold" is read from the containers themselves,
// as the verification reads them; anything that cannot be shown to match is recreated.

/**
 * Why each service's containers do not (provably) hold the restored files: empty when all do.
 * `written`: the variables migrate's steps write (cut-over, weight, models). `startedAt`: docker's
 * State.StartedAt per container id; `modifiedAt`: each restored file's mtime (ms) by absolute path.
 * Reasons name variables, files and containers, never a value.
 */
export function notHeld(o: {
  model: ComposeModel;
  services: string[];
  files: FileRestore[];
  views: ContainerView[];
  written: string[];
  startedAt: Record<string, string>;
  modifiedAt: Record<string, number>;
}): string[] {
  const reasons: string[] = [];
  for (const service of o.services) {
    const model = o.model.services.find((s) => s.name === service);
    const views = o.views.filter((v) => v.service === service);
    if (!model || views.length === 0) {
      reasons.push(`${service}: no container`);
      continue;
    }
    const expected = expectedValues(model, o.files, o.model.projectEnvFile, o.written);
    const mounted = o.files.filter((f) => model.fileMounts.some((m) => m.source === path.resolve(f.absolute)));
    for (const view of views) reasons.push(...viewReasons(view, expected), ...readSince(view, mounted, o));
  }
  return reasons;
}

/**
 * Per variable the service sees: the value its containers must hold, and whether its absence is
 * itself a difference. `unset`: one migrate writes that the restored files do not set (a weight a
 * stage added): the containers must not hold it either.
 */
type Expected = Map<string, { value: string; required: boolean; unset?: boolean }>;

function expectedValues(model: ComposeModel['services'][number], files: FileRestore[], projectEnvFile: string, written: string[]): Expected {
  const expected: Expected = new Map();
  const reaches = new Set<string>(); // variables a restored file would hand the service if it set them
  for (const file of files) {
    const absolute = path.resolve(file.absolute);
    const held = values(parse(file.content.toString('utf8')));
    // env_file and a bind mount hand the container every variable of the file (later files win).
    if (model.envFiles.includes(absolute) || model.fileMounts.some((m) => m.source === absolute)) {
      for (const key of written) reaches.add(key);
      for (const [key, value] of Object.entries(held)) expected.set(key, { value, required: true });
    } else if (absolute === path.resolve(projectEnvFile)) {
      for (const key of written) if (model.variables.includes(key)) reaches.add(key);
      // `${VAR}`: compose may put it under another name (or in a port); one migrate writes must be seen, else recreate.
      for (const key of model.variables) {
        const value = held[key];
        if (value !== undefined && !expected.get(key)?.required) expected.set(key, { value, required: written.includes(key) });
      }
    }
  }
  // compose substitutes an unset ${VAR} as empty: only a value is a difference.
  for (const key of reaches) if (!expected.has(key)) expected.set(key, { value: '', required: false, unset: true });
  return expected;
}

function viewReasons(view: ContainerView, expected: Expected): string[] {
  const who = `${view.service} (${view.id.slice(0, 12)})`;
  if (view.status !== 'running') return [`${who}: ${view.status}`];
  const reasons = view.mounts.filter((m) => m.error).map((m) => `${who}: cannot read ${m.destination} inside it`);
  for (const [key, { value, required, unset }] of expected) {
    if (unset) {
      if (view.values[key]) reasons.push(`${who}: ${key} set, but the restored files do not set it`);
    } else if (!(key in view.values)) {
      if (required) reasons.push(`${who}: ${key} not set`);
    } else if (view.values[key] !== value) reasons.push(`${who}: ${key} differs from the restored file`);
  }
  return reasons;
}

/**
 * A bind-mounted file is read by the app when it starts (LibreChat's dotenv): the container shows
 * the file as it is now, its app holds the file as it was then. One changed in place after the
 * container started (a `cp` of the backup over it keeps the inode the mount shows) may not be held.
 */
function readSince(view: ContainerView, mounted: FileRestore[], o: { startedAt: Record<string, string>; modifiedAt: Record<string, number> }): string[] {
  const started = Date.parse(o.startedAt[view.id] ?? '');
  return mounted
    .filter((f) => !(started >= (o.modifiedAt[path.resolve(f.absolute)] ?? Infinity)))
    .map((f) => `${view.service} (${view.id.slice(0, 12)}): ${f.path} changed after it started`);
}
