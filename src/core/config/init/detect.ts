import path from 'node:path';
import {
  APP_MODELS,
  type Confidence,
  KNOWN_URLS,
  MODEL_NAME,
  OPENAI_KEYS,
  PROVIDER_SELECTORS,
  URL_NAME,
  isAzure,
  isOpenAiNamed,
  isOtherProvider,
  keyNames,
  looksOpenAiCompatible,
  lower,
  sameProvider,
} from './conventions.js';
import type { FoundService, FoundVariable, ProjectScan } from './scan.js';

/** A base URL and the key sent with it, as the app names them. `url` is absent when only a key is set. */
export interface Candidate {
  prefix: string;
  url?: FoundVariable;
  key?: FoundVariable;
  confidence: Confidence;
  reasons: string[];
}

/** One line of what init found and why; `--json` prints the same. Never a value. */
export interface Finding {
  kind: 'base URL' | 'API key' | 'target' | 'model' | 'service' | 'skipped' | 'warning';
  variable?: string;
  service?: string;
  /** file:line */
  at: string;
  confidence: Confidence;
  reason: string;
}

export interface ServiceUse {
  name: string;
  composeFile: string;
  line: number;
  reason: string;
  /** How: a reference in `environment:` names the variable; `env_file` hands over the whole file. */
  via: 'environment' | 'env_file' | 'mount';
}

const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };
const at = (v: { file: string; line: number }) => `${v.file}:${v.line}`;

/** Every variable the app reads: env files first, then compose `environment:` literals. */
export function allVariables(scan: ProjectScan): FoundVariable[] {
  const fromFiles = scan.envFiles.flatMap((f) => f.variables);
  const known = new Set(fromFiles.map((v) => v.name));
  const literals = composeServices(scan)
    .flatMap(({ service }) => service.environment)
    .filter((e) => e.refs.length === 0 && !known.has(e.name));
  return [...fromFiles, ...literals];
}

export function composeServices(scan: ProjectScan): { composeFile: string; service: FoundService }[] {
  return scan.composeFiles.flatMap((f) => f.services.map((service) => ({ composeFile: f.file, service })));
}

/** Base-URL/key pairs, best first, and why the rest of the URL-like variables were passed over. */
export function findCandidates(scan: ProjectScan): { candidates: Candidate[]; skipped: Finding[] } {
  const vars = allVariables(scan);
  const first = (name: string) => vars.find((v) => v.name === name);
  const selector = PROVIDER_SELECTORS.map(first).find((v) => v && v.value);
  const candidates: Candidate[] = [];
  const skipped: Finding[] = [];
  const paired = new Set<string>();
  const composeNames = new Set(scan.composeFiles.map((f) => f.file));
  for (const url of vars) {
    const m = URL_NAME.exec(url.name);
    if (!m || paired.has(url.name)) continue;
    const prefix = m[1]!;
    const judged = judgeUrl(url, prefix);
    if (!judged) {
      skipped.push({ kind: 'skipped', variable: url.name, at: at(url), confidence: 'high', reason: otherReason(url, prefix) });
      continue;
    }
    paired.add(url.name);
    const key = keyNames(prefix)
      .map(first)
      .find((v) => v !== undefined);
    if (key) paired.add(key.name);
    const candidate = adjust({ prefix, url, key, ...judged }, selector);
    if (composeNames.has(url.file)) {
      candidate.confidence = lower(candidate.confidence);
      candidate.reasons.push(`set only in ${url.file} environment: with a literal value, which env files cannot change`);
    }
    candidates.push(candidate);
  }
  for (const name of OPENAI_KEYS) {
    const key = first(name);
    if (!key || paired.has(name)) continue;
    const prefix = name.replace(/_(API_)?KEY$/, '');
    candidates.push(adjust({ prefix, key, confidence: 'medium', reasons: [`${name} with no base-URL variable: the app uses the OpenAI SDK default`] }, selector));
  }
  const consumed = candidates.map((c) => consumers(scan, [c.url, c.key]));
  if (scan.composeFiles.some((f) => f.services.length > 0)) {
    candidates.forEach((c, i) => {
      if (consumed[i]!.length > 0) return;
      c.confidence = lower(c.confidence);
      c.reasons.push('no compose service reads it');
    });
  }
  const order = candidates
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) =>
        RANK[a.c.confidence] - RANK[b.c.confidence] || Number(!isOpenAiNamed(a.c.prefix)) - Number(!isOpenAiNamed(b.c.prefix)) || Number(!a.c.url) - Number(!b.c.url) || a.i - b.i,
    );
  return { candidates: order.map((o) => o.c), skipped };
}

function judgeUrl(url: FoundVariable, prefix: string): { confidence: Confidence; reasons: string[] } | undefined {
  if (KNOWN_URLS[url.name]) return { confidence: 'high', reasons: [`${url.name}: ${KNOWN_URLS[url.name]}`] };
  if (isAzure(prefix) && isOpenAiNamed(prefix)) {
    return { confidence: 'low', reasons: ['Azure OpenAI: deployment URLs and an api-key header, not an OpenAI-compatible base URL'] };
  }
  if (isOpenAiNamed(prefix)) return { confidence: 'medium', reasons: [`${url.name}: an OpenAI-style name`] };
  if (looksOpenAiCompatible(url.value)) {
    return { confidence: 'low', reasons: [`${url.name} is not an OpenAI name, but its URL looks OpenAI-compatible`] };
  }
  return undefined;
}

function otherReason(url: FoundVariable, prefix: string): string {
  if (isOtherProvider(prefix)) return `another provider or service (${prefix}), and its URL is not OpenAI-compatible (no /v1)`;
  return url.value ? 'not an OpenAI name, and its URL is not OpenAI-compatible (no /v1)' : 'not an OpenAI name, and empty';
}

function adjust(c: Candidate, selector: FoundVariable | undefined): Candidate {
  if (!c.key) {
    c.confidence = lower(c.confidence);
    c.reasons.push(`no key beside it (looked for ${keyNames(c.prefix).slice(0, 2).join(', ')})`);
  }
  if (c.url && !c.url.value) {
    c.confidence = lower(c.confidence);
    c.reasons.push('empty: the app falls back to its default');
  }
  if (selector) {
    if (sameProvider(selector.value, c.prefix)) {
      c.confidence = 'high';
      c.reasons.push(`${selector.name}=${selector.value} (${at(selector)}) selects it`);
    } else {
      c.confidence = lower(c.confidence);
      c.reasons.push(`${selector.name}=${selector.value} selects another provider`);
    }
  }
  return c;
}

/**
 * The services that read any of `vars`: through env_file, a `${VAR}` in `environment:`, a literal
 * `environment:` entry, or a bind mount of the env file that holds them (LibreChat's ./.env:/app/.env).
 */
export function consumers(scan: ProjectScan, vars: (FoundVariable | undefined)[]): ServiceUse[] {
  const uses: ServiceUse[] = [];
  for (const { composeFile, service } of composeServices(scan)) {
    const use = vars.map((v) => v && readsVia(service, v, composeFile)).find((r) => r);
    if (use) uses.push({ name: service.name, composeFile, line: service.line, ...use });
  }
  return uses;
}

function readsVia(service: FoundService, v: FoundVariable, composeFile: string): Pick<ServiceUse, 'reason' | 'via'> | undefined {
  const entry = service.environment.find((e) => e.name === v.name || e.refs.includes(v.name));
  if (entry?.refs.includes(v.name)) return { via: 'environment', reason: `interpolates \${${v.name}} in environment: ${entry.name} (${at(entry)}), filled from .env` };
  if (entry && entry.file === v.file) return { via: 'environment', reason: `sets ${v.name} in environment: (${at(entry)})` };
  const file = path.posix.normalize(v.file);
  if (service.envFiles.includes(file)) return { via: 'env_file', reason: `reads all of ${file} (env_file, ${composeFile}:${service.line})` };
  if (service.mounts.includes(file)) return { via: 'mount', reason: `bind-mounts ${file} into the container (${composeFile}:${service.line})` };
  if (entry) return { via: 'environment', reason: `sets ${v.name} in environment: (${at(entry)})` };
  return undefined;
}

/**
 * Databases, storage, search, auth and proxies that apps ship beside themselves. One that reads the
 * env file through env_file holds the key but is no LLM caller: said, and rated low, not hidden.
 */
const INFRASTRUCTURE =
  /^(postgres(ql)?|pgvector|mysql|mariadb|mongo(db)?|redis|valkey|memcached|minio|casdoor|keycloak|authentik|searxng|meilisearch|elasticsearch|opensearch|chroma(db)?|qdrant|weaviate|milvus|nginx|traefik|caddy|rabbitmq|kafka|zookeeper|etcd)$/;

/** The well-known infrastructure name a service's own name or image carries, if any. */
export function infrastructureName(service: Pick<FoundService, 'name' | 'image'>): string | undefined {
  const image = service.image?.split('@')[0]!.split(':')[0]!.split('/').pop();
  return [service.name, image].find((n) => n !== undefined && INFRASTRUCTURE.test(n.toLowerCase()));
}

/** Compose `environment:` entries that set `name` to a literal: env files cannot change what the app sees. */
export function literalOverrides(scan: ProjectScan, name: string): Finding[] {
  return composeServices(scan)
    .flatMap(({ service }) => service.environment.filter((e) => e.name === name && e.refs.length === 0).map((e) => ({ e, service })))
    .map(({ e, service }) => ({
      kind: 'warning' as const,
      variable: name,
      service: service.name,
      at: at(e),
      confidence: 'high' as const,
      reason: `set to a literal in ${service.name}'s environment:, which env files cannot change; write ${name}: \${${name}} there so the cut-over reaches the app`,
    }));
}

/** Model settings of the chosen provider (or the app's default model); other providers' are skipped. */
export function findModels(scan: ProjectScan, chosen: Candidate | undefined): { chosen: Finding[]; skipped: Finding[]; values: string[] } {
  const result = { chosen: [] as Finding[], skipped: [] as Finding[], values: [] as string[] };
  const seen = new Set<string>();
  for (const v of allVariables(scan)) {
    if (seen.has(v.name)) continue;
    seen.add(v.name);
    const m = MODEL_NAME.exec(v.name);
    if (!m && !APP_MODELS.includes(v.name)) continue;
    const prefix = m?.[1] ?? '';
    const finding = { kind: 'model' as const, variable: v.name, at: at(v) };
    if (chosen && prefix && (prefix === chosen.prefix || prefix.startsWith(`${chosen.prefix}_`))) {
      result.chosen.push({ ...finding, confidence: 'high', reason: `the model setting of ${chosen.prefix}` });
    } else if (APP_MODELS.includes(v.name)) {
      result.chosen.push({ ...finding, confidence: 'medium', reason: "the app's default model" });
    } else if (chosen?.prefix === 'OPENAI' && isOpenAiNamed(prefix) && !isAzure(prefix)) {
      result.chosen.push({ ...finding, confidence: 'medium', reason: 'an OpenAI model setting' });
    } else {
      result.skipped.push({ ...finding, kind: 'skipped', confidence: 'high', reason: `another provider's model setting (${prefix || v.name})` });
      continue;
    }
    result.values.push(...modelNames(v.value));
  }
  result.values = [...new Set(result.values)];
  return result;
}

/**
 * Model names in a setting's value: `gpt-4o`, `gpt-4o,gpt-4o-mini`, or LobeChat's model list
 * `-all,+gpt-4o=GPT-4o<128000:vision>` (removed entries and display names dropped).
 */
function modelNames(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => !s.startsWith('-'))
    .map((s) => s.replace(/^\+/, '').split(/[=<]/)[0]!.trim())
    .filter((s) => /^[\w.:/-]+$/.test(s) && s !== 'all');
}

export function describeCandidate(c: Candidate): string {
  return [c.url?.name ?? 'OPENAI_BASE_URL (not set)', c.key?.name ?? '(no key)'].join(' + ');
}

export { RANK };
