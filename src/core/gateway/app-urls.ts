import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { providerVariables, type Providers } from '../appview/pairs.js';
import { readEnvFile } from '../envfile/file.js';
import { values } from '../envfile/parse.js';
import { GATEWAY_SERVICE } from './layout.js';

// The app's base-URL variables: those the cut-over map sets to a provider's URL, and any an env
// file sets to one (the app view's rule, src/core/appview/pairs.ts). `gateway setup` points
// them at the gateway; `gateway remove` points them back at a provider.

export interface UrlVariables {
  names: string[];
  /** Each env file (absolute) with the URL variables it assigns and their values now (URLs: printable). */
  files: Array<{ file: string; values: Record<string, string> }>;
}

export async function appUrlVariables(envFiles: string[], cutover: Record<string, string>, providers: Providers): Promise<UrlVariables> {
  const held: Record<string, string> = {};
  const perFile: Array<{ file: string; all: Record<string, string> }> = [];
  for (const file of envFiles) {
    const all = values(await readEnvFile(file));
    perFile.push({ file: path.resolve(file), all });
    Object.assign(held, all);
  }
  const names = providerVariables(cutover, held, providers).urls;
  const files = perFile
    .map(({ file, all }) => ({ file, values: Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]!])) }))
    .filter((f) => Object.keys(f.values).length > 0);
  return { names: names.filter((n) => files.some((f) => n in f.values)), files };
}

/**
 * The URLs the app's containers reach the environment's gateway on (render.ts gatewayUrl, either
 * network): the port its nginx.conf listens on (setup's --port), else gateway.port in migrate.yaml.
 */
export async function gatewayUrls(configDir: string, include: string, configuredPort: number): Promise<string[]> {
  // nginx.conf sits beside the include in the conf directory (layout.ts), whatever the environment's name.
  const conf = await readFile(path.join(path.dirname(path.resolve(configDir, include)), 'nginx.conf'), 'utf8').catch(() => '');
  const listened = /^\s*listen\s+(?:[\d.]+:)?(\d+)\s*;/m.exec(conf)?.[1];
  const port = listened ? Number(listened) : configuredPort;
  return [`http://127.0.0.1:${port}/v1`, `http://localhost:${port}/v1`, `http://${GATEWAY_SERVICE}:${port}/v1`];
}
