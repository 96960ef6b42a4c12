import { type Candidate, type Finding, consumers, describeCandidate, findCandidates, findModels, infrastructureName, literalOverrides } from './detect.js';
import { OPENAI_DEFAULT_URL, isAzure, isOpenAiNamed, isOtherProvider } from './conventions.js';
import type { FoundComposeFile, FoundVariable, ProjectScan } from './scan.js';
import { addsV1Itself } from '../../providers/url-shape.js';

export interface PlannedProvider {
  baseUrl: string;
  apiKey: string;
  /** Where the value came from, for a comment in the file. */
  note?: string;
}

export interface PlannedEnvironment {
  name: string;
  envFile: string;
  /**
   * `services`: the ones found to read the chosen variables (`matched`). Written as `services:` only
   * when a person chose another set at the prompt (`explicit`): the list means "exactly these", and
   * left out migrate derives every reader of the env files from the compose model.
   */
  compose?: { files: string[]; services: string[]; matched: boolean; explicit: boolean; all: string[] };
  cutover: Record<string, string>;
  modelVariables: string[];
}

/** What .env.migrate will hold; the values stay in memory and go only into that 0600 file. */
export interface MigrateEnv {
  LEGACY_BASE_URL: string;
  LEGACY_API_KEY: string;
  TARGET_BASE_URL: string;
  TARGET_API_KEY: string;
}

/** What `migrate init` will write, as data; render.ts turns it into commented YAML. */
export interface InitPlan {
  legacy: PlannedProvider;
  target: PlannedProvider & { guessed: boolean };
  models: string[];
  environments: PlannedEnvironment[];
  sources: string[];
  /** What was found and why, best candidate first; `--json` prints these. */
  findings: Finding[];
  /** Every base-URL/key pair found, best first: what the prompt offers. */
  candidates: Candidate[];
  chosen?: Candidate;
  /** Every model setting found, chosen or not: what the prompt offers. */
  modelFindings: Finding[];
  migrateEnv: MigrateEnv;
}

/** A person's answers to the prompts; without them init takes the detected defaults. */
export interface InitChoices {
  candidate?: number;
  services?: string[];
  modelVariables?: string[];
}

const BASE_COMPOSE = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const ALIASES: Record<string, string[]> = { prod: ['production'], production: ['prod'], stage: ['staging'], staging: ['stage'] };
const LEGACY: PlannedProvider = { baseUrl: '${LEGACY_BASE_URL}', apiKey: '${LEGACY_API_KEY}', note: 'from .env.migrate: copied from the app before any cut-over' };

export function planConfig(scan: ProjectScan, choices: InitChoices = {}): InitPlan {
  const { candidates, skipped } = findCandidates(scan);
  const chosen = candidates[choices.candidate ?? 0];
  const urlName = chosen?.url?.name ?? 'OPENAI_BASE_URL';
  const keyName = chosen?.key?.name ?? 'OPENAI_API_KEY';
  const models = findModels(scan, chosen);
  const modelVariables = choices.modelVariables ?? models.chosen.map((f) => f.variable!);
  const modelFindings = [...models.chosen, ...models.skipped];
  const targetPair = guessTarget(candidates, chosen);
  const holding = scan.envFiles.filter((f) => f.variables.some((v) => v.name === urlName || v.name === keyName));
  const envFiles = holding.length > 0 ? holding : scan.envFiles;
  const environments = envFiles.map((f) => {
    const vars = f.variables.filter((v) => v.name === urlName || v.name === keyName);
    const env = planEnvironment(f.file, scan, vars.length > 0 ? vars : [chosen?.url, chosen?.key], choices.services);
    return { ...env, cutover: { [urlName]: '${TARGET_BASE_URL}', [keyName]: '${TARGET_API_KEY}' }, modelVariables };
  });
  const legacyUrl = legacyBaseUrl(chosen?.url);
  const findings = [
    ...chosenFindings(chosen, legacyUrl.note),
    ...(chosen?.url ? literalOverrides(scan, chosen.url.name) : []),
    ...(chosen?.key ? literalOverrides(scan, chosen.key.name) : []),
    ...environments.flatMap((e) => serviceFindings(e, scan, chosen)),
    ...modelFindings.filter((f) => modelVariables.includes(f.variable!)).map((f) => ({ ...f, kind: 'model' as const })),
    ...(targetPair ? [targetFinding(targetPair)] : []),
    ...candidates.filter((c) => c !== chosen && c !== targetPair).map(otherCandidate),
    ...skipped,
    ...modelFindings.filter((f) => !modelVariables.includes(f.variable!)).map((f) => ({ ...f, kind: 'skipped' as const })),
  ];
  return {
    legacy: LEGACY,
    target: targetPair
      ? { baseUrl: '${TARGET_BASE_URL}', apiKey: '${TARGET_API_KEY}', guessed: false, note: `from .env.migrate: copied from ${describeCandidate(targetPair)}` }
      : { baseUrl: '${TARGET_BASE_URL}', apiKey: '${TARGET_API_KEY}', guessed: true },
    models: models.values.length > 0 ? models.values : ['gpt-4o-mini'],
    environments,
    sources: [...scan.envFiles.map((f) => f.file), ...scan.composeFiles.map((f) => f.file)],
    findings,
    candidates,
    chosen,
    modelFindings,
    migrateEnv: {
      LEGACY_BASE_URL: legacyUrl.value,
      LEGACY_API_KEY: chosen?.key?.value ?? '',
      TARGET_BASE_URL: targetPair?.url?.value ?? '',
      TARGET_API_KEY: targetPair?.key?.value ?? '',
    },
  };
}

export function environmentName(envFile: string): string {
  return envFile === '.env' ? 'default' : envFile.slice('.env.'.length);
}

/**
 * The base URL that answers for the provider the app calls today. A bare host, or a URL without a
 * path in a *_HOST variable (big-AGI's OPENAI_API_HOST), belongs to an app that adds /v1 itself: the
 * provider's base URL, which check, validate and a rollback's verification call, is that host + /v1.
 */
function legacyBaseUrl(url: FoundVariable | undefined): { value: string; note?: string } {
  const value = url?.value.trim();
  if (!value) return { value: OPENAI_DEFAULT_URL, note: url ? `${url.name} is empty: the OpenAI default URL` : undefined };
  if (!addsV1Itself(url!.name, value)) return { value };
  const base = `${/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value.replace(/\/+$/, '') : `https://${value}`}/v1`;
  return { value: base, note: `${url!.name} holds a host, not a URL: the app adds /v1 itself, so LEGACY_BASE_URL is ${base}` };
}

function chosenFindings(chosen: Candidate | undefined, urlNote: string | undefined): Finding[] {
  if (!chosen) {
    return [{ kind: 'base URL', variable: 'OPENAI_BASE_URL', at: '-', confidence: 'low', reason: 'no OpenAI-style base URL or key found: the OpenAI SDK names' }];
  }
  const reason = [...chosen.reasons, ...(urlNote ? [urlNote] : [])].join('; ');
  const out: Finding[] = [];
  if (chosen.url) out.push({ kind: 'base URL', variable: chosen.url.name, at: `${chosen.url.file}:${chosen.url.line}`, confidence: chosen.confidence, reason });
  else
    out.push({
      kind: 'base URL',
      variable: 'OPENAI_BASE_URL',
      at: '-',
      confidence: chosen.confidence,
      reason: `not set; the cut-over adds it (the OpenAI SDKs read it). ${reason}`,
    });
  if (chosen.key) {
    out.push({
      kind: 'API key',
      variable: chosen.key.name,
      at: `${chosen.key.file}:${chosen.key.line}`,
      confidence: chosen.confidence,
      reason: `sent with ${chosen.url?.name ?? 'the default URL'}; copied to .env.migrate as LEGACY_API_KEY`,
    });
  }
  return out;
}

function otherCandidate(c: Candidate): Finding {
  const v = c.url ?? c.key!;
  return { kind: 'skipped', variable: v.name, at: `${v.file}:${v.line}`, confidence: c.confidence, reason: `another pair (${describeCandidate(c)}): ${c.reasons.join('; ')}` };
}

/** A NAME_BASE_URL + NAME_API_KEY pair of a provider the app does not know is most likely the new one. */
function guessTarget(candidates: Candidate[], chosen: Candidate | undefined): Candidate | undefined {
  return candidates.find(
    (c) =>
      c !== chosen &&
      c.key &&
      c.url?.name.endsWith('_BASE_URL') &&
      c.key.name === `${c.prefix}_API_KEY` &&
      !isOpenAiNamed(c.prefix) &&
      !isAzure(c.prefix) &&
      !isOtherProvider(c.prefix),
  );
}

function targetFinding(c: Candidate): Finding {
  return {
    kind: 'target',
    variable: c.url!.name,
    at: `${c.url!.file}:${c.url!.line}`,
    confidence: 'medium',
    reason: `${describeCandidate(c)}: a provider the app has no settings for; copied to .env.migrate as TARGET_*`,
  };
}

function planEnvironment(
  envFile: string,
  scan: ProjectScan,
  vars: (FoundVariable | undefined)[],
  chosenServices: string[] | undefined,
): Omit<PlannedEnvironment, 'cutover' | 'modelVariables'> {
  const name = environmentName(envFile);
  const files = composeFilesFor(name, scan.composeFiles);
  if (files.length === 0) return { name, envFile };
  const sub: ProjectScan = { envFiles: scan.envFiles, composeFiles: files };
  const all = [...new Set(files.flatMap((f) => f.services.map((s) => s.name)))];
  const found = [...new Set(consumers(sub, vars).map((u) => u.name))];
  const chosen = chosenServices?.filter((s) => all.includes(s));
  const explicit = chosen !== undefined && [...chosen].sort().join(',') !== [...found].sort().join(',');
  const services = explicit ? chosen : found;
  return { name, envFile, compose: { files: files.map((f) => f.file), services, matched: services.length > 0, explicit, all } };
}

function composeFilesFor(name: string, composeFiles: FoundComposeFile[]): FoundComposeFile[] {
  const byName = new Map(composeFiles.map((f) => [f.file, f]));
  const base = BASE_COMPOSE.find((f) => byName.has(f));
  const suffixes = [name, ...(ALIASES[name] ?? [])];
  const extra = composeFiles.filter((f) => suffixes.some((s) => new RegExp(`^(docker-)?compose\\.${escape(s)}\\.ya?ml$`).test(f.file)));
  const override = base ? composeFiles.filter((f) => /^(docker-)?compose\.override\.ya?ml$/.test(f.file)) : [];
  return [...(base ? [byName.get(base)!] : []), ...override, ...extra].filter((f) => f.services.length > 0);
}

function serviceFindings(env: PlannedEnvironment, scan: ProjectScan, chosen: Candidate | undefined): Finding[] {
  if (!env.compose) return [];
  const files = scan.composeFiles.filter((f) => env.compose!.files.includes(f.file));
  const uses = consumers({ envFiles: scan.envFiles, composeFiles: files }, [chosen?.url, chosen?.key]);
  const found: Finding[] = env.compose.services.map((name) => {
    const use = uses.find((u) => u.name === name);
    if (!use) return { kind: 'service', service: name, at: '-', confidence: 'medium', reason: 'chosen at the prompt' };
    const infra = use.via === 'env_file' ? infrastructureName(serviceNamed(files, name)) : undefined;
    const reason = infra ? `${use.reason}: holds the key, but ${infra} is no LLM caller; recreated with ${env.envFile} all the same` : use.reason;
    return { kind: 'service', service: name, at: `${use.composeFile}:${use.line}`, confidence: infra ? 'low' : 'high', reason };
  });
  const rest = env.compose.all.filter((s) => !env.compose!.services.includes(s));
  if (env.compose.services.length === 0) {
    found.push({
      kind: 'warning',
      at: env.compose.files.join(', '),
      confidence: 'low',
      reason: `no service reads the chosen variables; compose.services left out: list the ones that call the LLM API (${rest.join(', ')})`,
    });
  } else if (rest.length > 0) {
    found.push({ kind: 'skipped', service: rest.join(', '), at: env.compose.files.join(', '), confidence: 'high', reason: 'do not read the chosen variables: not recreated' });
  }
  return found;
}

function serviceNamed(files: FoundComposeFile[], name: string): { name: string; image?: string } {
  const defs = files.flatMap((f) => f.services.filter((s) => s.name === name));
  return {
    name,
    image: defs
      .map((s) => s.image)
      .filter(Boolean)
      .pop(),
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
