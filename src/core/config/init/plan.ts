import type { FoundComposeFile, FoundEnvFile, ProjectScan } from './scan.js';

export interface PlannedProvider {
  baseUrl: string;
  apiKey: string;
  /** Where the value came from, for a comment in the file. */
  note?: string;
}

export interface PlannedEnvironment {
  name: string;
  envFile: string;
  compose?: { files: string[]; services: string[]; matched: boolean };
  cutover: Record<string, string>;
}

/** What `migrate init` will write, as data; render.ts turns it into commented YAML. */
export interface InitPlan {
  legacy: PlannedProvider;
  target: PlannedProvider & { guessed: boolean };
  models: string[];
  environments: PlannedEnvironment[];
  sources: string[];
}

const OPENAI_DEFAULT_URL = 'https://api.openai.com/v1';
const BASE_COMPOSE = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const ALIASES: Record<string, string[]> = { prod: ['production'], production: ['prod'], stage: ['staging'], staging: ['stage'] };

export function planConfig(scan: ProjectScan): InitPlan {
  const withSettings = scan.envFiles.filter((f) => Object.keys(f.baseUrls).length > 0 || f.apiKeys.length > 0);
  const envFiles = withSettings.length > 0 ? withSettings : scan.envFiles;
  const target = planTarget(envFiles);
  const legacy = planLegacy(envFiles.map((f) => withoutTarget(f, target)));
  const models = [...new Set(envFiles.flatMap((f) => f.models))];
  return {
    legacy,
    target,
    models: models.length > 0 ? models : ['gpt-4o-mini'],
    environments: envFiles.map((f) => planEnvironment(withoutTarget(f, target), scan.composeFiles, target)),
    sources: [...scan.envFiles.map((f) => f.file), ...scan.composeFiles.map((f) => f.file)],
  };
}

export function environmentName(envFile: string): string {
  return envFile === '.env' ? 'default' : envFile.slice('.env.'.length);
}

function planLegacy(files: FoundEnvFile[]): PlannedProvider {
  const baseVar = pickName(files.flatMap((f) => Object.keys(f.baseUrls)), ['OPENAI_BASE_URL', 'OPENAI_API_BASE']);
  const keyVar = pickName(files.flatMap((f) => f.apiKeys), ['OPENAI_API_KEY']) ?? 'OPENAI_API_KEY';
  const apiKey = `\${${keyVar}}`;
  if (!baseVar) return { baseUrl: OPENAI_DEFAULT_URL, apiKey, note: 'the OpenAI SDK default; no OPENAI_BASE_URL was found' };
  const values = [...new Set(files.map((f) => f.baseUrls[baseVar]).filter((v): v is string => v !== undefined))];
  // A literal URL keeps pointing at legacy after the cut-over rewrites the env files; one carrying
  // credentials (user:pass@ or a query such as ?api-key=) must stay out of migrate.yaml.
  if (values.length === 1 && /^https?:\/\/[^@?\s]+$/.test(values[0]!)) {
    return { baseUrl: values[0]!, apiKey, note: `the value of ${baseVar} in the env files today` };
  }
  const note = values.length > 1 ? `${baseVar} differs between env files` : `${baseVar} may carry credentials: referenced, not copied`;
  return { baseUrl: `\${${baseVar}}`, apiKey, note };
}

/** A NAME_BASE_URL + NAME_API_KEY pair other than OPENAI's is most likely the new provider. */
function planTarget(files: FoundEnvFile[]): PlannedProvider & { guessed: boolean } {
  for (const file of files) {
    for (const baseVar of Object.keys(file.baseUrls).sort()) {
      const prefix = baseVar.replace(/_(BASE_URL|API_BASE)$/, '');
      const keyVar = `${prefix}_API_KEY`;
      if (prefix !== 'OPENAI' && files.some((f) => f.apiKeys.includes(keyVar))) {
        return { baseUrl: `\${${baseVar}}`, apiKey: `\${${keyVar}}`, guessed: false, note: `found ${baseVar} and ${keyVar} in ${file.file}` };
      }
    }
  }
  return { baseUrl: '${TARGET_BASE_URL}', apiKey: '${TARGET_API_KEY}', guessed: true };
}

function planEnvironment(file: FoundEnvFile, composeFiles: FoundComposeFile[], target: PlannedProvider): PlannedEnvironment {
  const name = environmentName(file.file);
  const baseVar = pickName(Object.keys(file.baseUrls), ['OPENAI_BASE_URL', 'OPENAI_API_BASE']) ?? 'OPENAI_BASE_URL';
  const keyVar = pickName(file.apiKeys, ['OPENAI_API_KEY']) ?? 'OPENAI_API_KEY';
  return { name, envFile: file.file, compose: planCompose(name, file.file, composeFiles), cutover: { [baseVar]: target.baseUrl, [keyVar]: target.apiKey } };
}

function planCompose(name: string, envFile: string, composeFiles: FoundComposeFile[]): PlannedEnvironment['compose'] {
  const byName = new Map(composeFiles.map((f) => [f.file, f]));
  const base = BASE_COMPOSE.find((f) => byName.has(f));
  const suffixes = [name, ...(ALIASES[name] ?? [])];
  const extra = composeFiles.filter((f) => suffixes.some((s) => new RegExp(`^(docker-)?compose\\.${escape(s)}\\.ya?ml$`).test(f.file)));
  const override = base ? composeFiles.filter((f) => /^(docker-)?compose\.override\.ya?ml$/.test(f.file)) : [];
  const files = [...(base ? [byName.get(base)!] : []), ...override, ...extra];
  const services = files.flatMap((f) => f.services);
  if (services.length === 0) return undefined;
  const matched = services.filter((s) => s.envFiles.includes(envFile)).map((s) => s.name);
  const all = services.map((s) => s.name);
  return { files: files.map((f) => f.file), services: [...new Set(matched.length > 0 ? matched : all)], matched: matched.length > 0 };
}

/** The env file's settings minus the target's own variables (they are not what the app uses today). */
function withoutTarget(file: FoundEnvFile, target: PlannedProvider): FoundEnvFile {
  const targetVars = [target.baseUrl, target.apiKey].map((ref) => ref.slice(2, -1));
  const baseUrls = Object.fromEntries(Object.entries(file.baseUrls).filter(([name]) => !targetVars.includes(name)));
  return { ...file, baseUrls, apiKeys: file.apiKeys.filter((name) => !targetVars.includes(name)) };
}

/** The preferred name if present, else the most common one. */
function pickName(names: string[], preferred: string[]): string | undefined {
  const found = preferred.find((p) => names.includes(p));
  if (found) return found;
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
