import { effectiveRamp } from './ramp.js';
import type { Config, RampConfig } from './schema.js';
import type { KeyPath } from './source.js';
import { didYouMean } from './issues.js';

export interface Finding {
  path: KeyPath;
  text: string;
}

/** Rules the schema cannot express because they relate one part of the file to another. */
export function crossChecks(config: Config): Finding[] {
  return [...uniqueNodeIds(config), ...knownRequires(config), ...rampStages(config), ...gatewayLogs(config), ...splitKeys(config)];
}

/** `sources.gateway: {}` needs a log: its own, or the nginx driver's accessLog. */
function gatewayLogs(config: Config): Finding[] {
  return Object.entries(config.environments).flatMap(([name, env]) => {
    const gateway = effectiveRamp(config, env).sources.gateway;
    if (!gateway || gateway.log !== undefined) return [];
    if (env.traffic.driver === 'nginx' && env.traffic.accessLog !== undefined) return [];
    const path = env.ramp?.sources?.gateway !== undefined ? ['environments', name, 'ramp', 'sources', 'gateway'] : ['ramp', 'sources', 'gateway'];
    return [{ path, text: `no access log for environment "${name}": set log here, or environments.${name}.traffic.accessLog (nginx driver)` }];
  });
}

function uniqueNodeIds(config: Config): Finding[] {
  const findings: Finding[] = [];
  for (const role of ['legacy', 'target'] as const) {
    const seen = new Set<string>();
    config.providers[role].nodes.forEach((node, i) => {
      if (seen.has(node.id)) findings.push({ path: ['providers', role, 'nodes', i, 'id'], text: `duplicate node id "${node.id}"` });
      seen.add(node.id);
    });
  }
  return findings;
}

function knownRequires(config: Config): Finding[] {
  const names = Object.keys(config.environments);
  return Object.entries(config.environments).flatMap(([name, env]) => {
    if (env.requires === undefined || (names.includes(env.requires) && env.requires !== name)) return [];
    const text =
      env.requires === name ? 'an environment cannot require itself' : `unknown environment "${env.requires}"${didYouMean(env.requires, names)} (known: ${names.join(', ')})`;
    return [{ path: ['environments', name, 'requires'], text }];
  });
}

type Stages = RampConfig['stages'];

function rampStages(config: Config): Finding[] {
  const lists: [KeyPath, Stages | undefined][] = [
    [['ramp', 'stages'], config.ramp.stages],
    ...Object.entries(config.environments).map(([name, env]): [KeyPath, Stages | undefined] => [['environments', name, 'ramp', 'stages'], env.ramp?.stages]),
  ];
  return lists.flatMap(([path, stages]) => {
    if (!stages) return [];
    const shadowAt = stages.lastIndexOf('shadow');
    if (shadowAt > 0) return [{ path: [...path, shadowAt], text: 'shadow can only be the first stage (before any user is moved to target), e.g. [shadow, 5, 20, 50, 100]' }];
    const weights = stages.filter((s): s is number => s !== 'shadow');
    if (weights.length === 0) return [{ path, text: 'a shadow stage needs at least one weight after it, e.g. [shadow, 5, 20, 50, 100]' }];
    return weights.some((s, i) => i > 0 && s <= weights[i - 1]!) ? [{ path, text: `stages must increase, got ${stages.join(', ')}` }] : [];
  });
}

/**
 * split_clients hashes this string per request: literal text and at least one $variable, each a
 * valid name. A bare `x-user-id` would hash the same text for everyone and send them all one way.
 */
const SPLIT_KEY = /^(?:[^"\\\s$]*\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\}))+[^"\\\s$]*$/;

function splitKeys(config: Config): Finding[] {
  return Object.entries(config.environments).flatMap(([name, env]) => {
    if (env.traffic.driver !== 'nginx' || SPLIT_KEY.test(env.traffic.splitKey)) return [];
    return [
      {
        path: ['environments', name, 'traffic', 'splitKey'],
        text: `"${env.traffic.splitKey}" is not an nginx variable expression: write e.g. $http_x_user_id (one user per X-User-Id header), $cookie_session or $request_id (the default, per request)`,
      },
    ];
  });
}
