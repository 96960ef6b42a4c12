import { UsageError } from '../../errors.js';
import { composeUp } from '../compose/commands.js';
import type { ComposeProject } from '../compose/project.js';
import { diffKeys } from '../envfile/diff.js';
import { setKeys } from '../envfile/edit.js';
import { readEnvFile } from '../envfile/file.js';
import { print, values } from '../envfile/parse.js';
import { inShapeOf } from '../providers/url-shape.js';
import { Redactor } from '../redact.js';
import { modelUpdates, type ModelVariables } from './model-variables.js';
import { executeSteps } from './steps.js';
import type { ApplyOptions, Applied, FileStep, Step, TrafficDriver } from './types.js';

export interface EnvDriverOptions {
  /** Absolute paths of the environment's env files. */
  envFiles: string[];
  weightKey: string;
  /** Written at 100 %: the env files then point at target for good. */
  cutover: Record<string, string>;
  /**
   * Recreated after each write so the services re-read their env files; below 100 % not the
   * `weightBlind` ones, which compose hands only the variables they name: restarting them for a
   * weight they never see would only cut the app's requests.
   */
  compose?: { project: ComposeProject; services: string[]; weightBlind?: string[] };
  /** Values never to print (API keys in cut-over values). */
  secrets: string[];
  /** Model variables mapped to the target's names at 100 %. */
  modelVariables?: ModelVariables;
}

/**
 * The app reads the weight from its env files. Resetting writes weight 0 but leaves any cut-over
 * keys: undoing a cut-over is restoring the backup, which `migrate rollback` does.
 */
export function envDriver(opts: EnvDriverOptions): TrafficDriver {
  const redactor = new Redactor(opts.secrets);
  const updates = (weight: number) => ({ [opts.weightKey]: formatWeight(weight), ...(weight >= 100 ? opts.cutover : {}) });

  function plan(weight: number): Promise<Step[]> {
    return envFileSteps(opts.envFiles, updates(weight), redactor, recreated(weight), weight >= 100 ? opts.modelVariables : undefined);
  }

  function recreated(weight: number): EnvDriverOptions['compose'] {
    const compose = opts.compose;
    if (!compose || weight >= 100 || !compose.weightBlind?.length) return compose;
    const services = compose.services.filter((s) => !compose.weightBlind!.includes(s));
    return services.length > 0 ? { project: compose.project, services } : undefined;
  }

  async function current(): Promise<number | undefined> {
    const raw = values(await readEnvFile(opts.envFiles[0]!))[opts.weightKey];
    const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
    return Number.isFinite(n) ? n : undefined;
  }

  async function apply(weight: number, o: ApplyOptions): Promise<Applied> {
    await executeSteps(await plan(weight), o);
    // Read back what the files say now (under --dry-run: still the old weight, which is the truth).
    return { appliedWeight: (await current()) ?? 0 };
  }

  return { name: 'env', plan, apply, reset: (o) => apply(0, o), current };
}

/** The write that sets `updates` in one env file (format kept), or undefined when it already says so. */
/**
 * `updates` written into each env file that needs them, then the services recreated so they
 * re-read the files: even when no file changed, as a crash may have come between the two.
 */
export async function envFileSteps(
  files: string[],
  updates: Record<string, string>,
  redactor: Redactor,
  compose?: { project: ComposeProject; services: string[] },
  modelVariables?: ModelVariables,
): Promise<Step[]> {
  const writes: Step[] = [];
  for (const file of files) {
    const step = await fileStep(file, updates, redactor, modelVariables);
    if (step) writes.push(step);
  }
  const recreate: Step[] = compose ? [{ kind: 'command', command: composeUp(compose.project, compose.services) }] : [];
  return [...writes, ...recreate];
}

async function fileStep(file: string, given: Record<string, string>, redactor: Redactor, modelVariables?: ModelVariables): Promise<FileStep | undefined> {
  const before = await readEnvFile(file);
  const held = values(before);
  // Explicit cutover keys win over a mapped model variable of the same name.
  const updates = { ...modelUpdates(held, modelVariables), ...inHeldShape(given, held) };
  assertOneLine(file, updates);
  const after = setKeys(before, updates);
  if (print(after) === print(before)) return undefined;
  const diff = diffKeys(before, after);
  const now = values(after);
  const keys = [...diff.added, ...diff.changed];
  const summary = keys.map((key) => `set ${key}=${redactor.value(now[key]!)}`);
  // A value the redactor hides is a key: the file's readers can now read it.
  const givesKey = keys.some((key) => redactor.value(now[key]!) !== now[key]);
  return {
    kind: 'file',
    file,
    content: print(after),
    mode: 0o600,
    description: `write ${summary.length} key(s) to ${file}`,
    summary,
    ...(givesKey ? { secret: 'app' as const } : {}),
  };
}

/**
 * A base URL goes into a variable in the shape it holds: an app that holds a bare host, or a URL
 * without a path in a *_HOST variable (big-AGI's OPENAI_API_HOST), adds /v1 itself, and would call target's /v1/v1.
 */
function inHeldShape(updates: Record<string, string>, held: Record<string, string>): Record<string, string> {
  const shaped = (key: string, value: string) => (held[key]?.trim() && /^https?:\/\/[^\s]+\/v1\/*$/i.test(value) ? inShapeOf(key, held[key], value) : value);
  return Object.fromEntries(Object.entries(updates).map(([key, value]) => [key, shaped(key, value)]));
}

/**
 * The config loader already trims what it hands over and refuses inner line breaks; this is the
 * last guard before a write: an app reading "sk-…\n" sends an invalid header. Names, never values.
 */
function assertOneLine(file: string, updates: Record<string, string>): void {
  const bad = Object.keys(updates).filter((key) => /[\r\n\u2028\u2029]/.test(updates[key]!));
  if (bad.length === 0) return;
  throw new UsageError(`refusing to write ${bad.join(', ')} to ${file}: the value has a line break in it`, {
    hint: 'fix the value (or the variable it comes from) so it is one line, then run the command again',
  });
}

/** 20 → "20", 12.5 → "12.5": what a person would write. */
export function formatWeight(weight: number): string {
  return String(Math.round(weight * 100) / 100);
}
