// What loads but is likely to hurt later, and --strict, which refuses a config that has any.
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { bearerKey } from '../http/auth.js';
import { MIGRATE_DOTENV, type SettingOrigin } from './origins.js';
import type { Config } from './schema.js';
import { formatPath, type YamlSource } from './source.js';

/** Things that load fine but are likely to hurt later. */
export function configWarnings(source: YamlSource, config: Config, origins: SettingOrigin[], dir: string): string[] {
  return [...literalKeys(source), ...paddedKeys(source, config), ...cleartextUrls(source, config), ...sameProvider(source, config), ...rewrittenSources(source, origins, dir)];
}

/** http:// to another host sends the key in clear text to anyone on the path; loopback never leaves the machine. */
function cleartextUrls(source: YamlSource, config: Config): string[] {
  const urls: [(string | number)[], string][] = [];
  for (const role of ['legacy', 'target'] as const) {
    const provider = config.providers[role];
    urls.push([['providers', role, 'baseUrl'], provider.baseUrl]);
    provider.nodes.forEach((node, i) => urls.push([['providers', role, 'nodes', i, 'baseUrl'], node.baseUrl]));
  }
  return urls.flatMap(([keyPath, url]) => {
    const host = cleartextHost(url);
    if (!host) return [];
    return [`${source.at(keyPath)} ${formatPath(keyPath)} is http:// to ${host}: the ${keyPath[1]} API key crosses the network unencrypted; use https://`];
  });
}

function cleartextHost(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:') return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === '0:0:0:0:0:0:0:1';
  return loopback ? undefined : parsed.hostname;
}

/**
 * A key pasted with quotes or spaces around it (in the file or in the variable it comes from):
 * the probes and the nginx include send it without them, but the app reading the same env file
 * may not. Checked after interpolation; the key itself is never shown.
 */
function paddedKeys(source: YamlSource, config: Config): string[] {
  const keys: [(string | number)[], string | undefined][] = [];
  for (const role of ['legacy', 'target'] as const) {
    const provider = config.providers[role];
    keys.push([['providers', role, 'apiKey'], provider.apiKey]);
    provider.nodes.forEach((node, i) => keys.push([['providers', role, 'nodes', i, 'apiKey'], node.apiKey]));
  }
  return keys.flatMap(([keyPath, value]) => {
    const around = value === undefined ? undefined : paddingOf(value);
    if (!around) return [];
    return [`${source.at(keyPath)} ${formatPath(keyPath)} has ${around} around it; they are dropped before the key is sent`];
  });
}

/** What `bearerKey` drops: "quotes", "spaces", "spaces and quotes", or undefined. */
function paddingOf(value: string): string | undefined {
  if (bearerKey(value) === value) return undefined;
  const trimmed = value.trim();
  const inner = /^(['"])(.*)\1$/.exec(trimmed)?.[2];
  const spaced = trimmed !== value || (inner !== undefined && inner.trim() !== inner);
  if (inner !== undefined) return spaced ? 'spaces and quotes' : 'quotes';
  return spaced ? 'spaces' : undefined;
}

/** An API key written into migrate.yaml ends up in version control. */
function literalKeys(source: YamlSource): string[] {
  const providers = (source.data as { providers?: Record<string, { apiKey?: unknown; nodes?: { apiKey?: unknown }[] }> }).providers ?? {};
  const warnings: string[] = [];
  for (const [role, provider] of Object.entries(providers)) {
    const keys: [(string | number)[], unknown][] = [[['providers', role, 'apiKey'], provider?.apiKey]];
    (Array.isArray(provider?.nodes) ? provider.nodes : []).forEach((node, i) => keys.push([['providers', role, 'nodes', i, 'apiKey'], node?.apiKey]));
    for (const [keyPath, value] of keys) {
      if (typeof value === 'string' && !value.includes('${')) {
        warnings.push(`${source.at(keyPath)} ${formatPath(keyPath)} is written in the file; use \${VAR} so the key stays out of version control`);
      }
    }
  }
  return warnings;
}

function sameProvider(source: YamlSource, config: Config): string[] {
  const { legacy, target } = config.providers;
  if (legacy.baseUrl.replace(/\/+$/, '') !== target.baseUrl.replace(/\/+$/, '')) return [];
  return [`${source.at(['providers', 'target', 'baseUrl'])} providers.target.baseUrl is the same as legacy: nothing would move`];
}

/**
 * A provider setting read from an env file an environment rewrites: after a cut-over that file
 * names the target, so the "legacy" provider would silently become the target. Rollback reads
 * such a legacy value from the backup it restores; everything else should not depend on it.
 */
function rewrittenSources(source: YamlSource, origins: SettingOrigin[], dir: string): string[] {
  return origins.flatMap((origin) =>
    origin.variables
      .filter((v) => v.file && v.rewrittenBy.length > 0)
      .map((v) => {
        const file = path.relative(dir, v.file!) || v.file!;
        const by = `environment${v.rewrittenBy.length > 1 ? 's' : ''} ${v.rewrittenBy.join(', ')}`;
        return `${source.at(origin.path)} ${formatPath(origin.path)} reads ${v.name} from ${file}, which ${by} rewrites; put ${v.name} in ${MIGRATE_DOTENV} beside the config (or the process environment), never in a file an environment rewrites`;
      }),
  );
}

/** `--strict`: a config that only loads with warnings (a key sent over http://, say) is refused, for CI. */
export function refuseWarnings(loaded: { name: string; warnings: string[] }): void {
  const n = loaded.warnings.length;
  if (n === 0) return;
  throw new UsageError(`${loaded.name}: ${n} warning${n === 1 ? '' : 's'}, and --strict treats them as errors`, {
    details: loaded.warnings,
    hint: 'fix what the warnings name, or run without --strict',
  });
}
