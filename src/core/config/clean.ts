// Values migrate writes into an app's env files must be clean: a key pasted with a trailing
// newline was written as "sk-…\n" at cut-over and Python clients then failed with "Invalid
// header value". Surrounding blanks and line breaks are dropped (warned); a line break inside is refused.
import type { VariableUse } from './interpolate.js';
import type { Config } from './schema.js';
import { formatPath, type KeyPath, type YamlSource } from './source.js';

export interface CleanResult {
  config: Config;
  warnings: string[];
  /** `file:line key.path: …` lines: values that cannot be written as one env line. */
  errors: string[];
}

const LINE_BREAK = /[\r\n\u2028\u2029]/;

/** Every value bound for an env file: each environment's cut-over values and the target's model names (modelVariables). */
export function cleanWrittenValues(source: YamlSource, config: Config, uses: VariableUse[]): CleanResult {
  const warnings: string[] = [];
  const errors: string[] = [];
  const clean = (keyPath: KeyPath, name: string, value: string): string => {
    const trimmed = value.trim();
    const from = describeVariables(uses, keyPath);
    if (LINE_BREAK.test(trimmed)) {
      errors.push(`${source.at(keyPath)} ${formatPath(keyPath)}: the value of ${name}${from} has a line break inside it; an env file line cannot carry it: fix the value`);
      return value;
    }
    if (trimmed !== value) {
      const what = LINE_BREAK.test(value) ? 'line breaks or spaces' : 'spaces';
      warnings.push(`${source.at(keyPath)} ${formatPath(keyPath)}: the value of ${name}${from} has ${what} around it; they are dropped before it is written`);
    }
    return trimmed;
  };
  const environments = Object.fromEntries(
    Object.entries(config.environments).map(([envName, env]) => {
      const cutover = Object.fromEntries(Object.entries(env.cutover).map(([key, value]) => [key, clean(['environments', envName, 'cutover', key], key, value)]));
      return [envName, { ...env, cutover }];
    }),
  );
  const target = config.providers.target;
  const models =
    target.models && Object.fromEntries(Object.entries(target.models).map(([app, name]) => [app, clean(['providers', 'target', 'models', app], `model ${app}`, name)]));
  const providers = models ? { ...config.providers, target: { ...target, models } } : config.providers;
  return { config: { ...config, providers, environments }, warnings, errors };
}

/** ` (from ${HOLYSHEEP_API_KEY})`: where a person goes to fix it. */
function describeVariables(uses: VariableUse[], keyPath: KeyPath): string {
  const names = uses.filter((u) => u.path.length === keyPath.length && u.path.every((k, i) => k === keyPath[i])).map((u) => `\${${u.name}}`);
  return names.length ? ` (from ${names.join(', ')})` : '';
}
