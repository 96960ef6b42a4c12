import type { ContainerInside } from '../compose/docker.js';
import type { ComposeProject } from '../compose/project.js';
import type { Config, ProviderRole } from '../config/schema.js';
import type { Runner } from '../exec/command.js';
import type { Endpoint } from '../providers/endpoint.js';
import { normalizeUrl } from '../state/points-at.js';
import type { EndpointAnswer, verifyEndpoint } from '../rollback/verify.js';
import { calledBaseUrl } from './pairs.js';
import { effectiveRole, judgeContainer, type ContainerFact, type Expectation, type GatewayView } from './judge.js';
import { readContainerViews, type ContainerView } from './read.js';

/** The app's view after a step: every container judged, every distinct pair probed once. */
export interface AppView {
  ok: boolean;
  step: string;
  expected?: ProviderRole;
  containers: ContainerFact[];
  /** Services asked for that have no container at all: nothing there can hold the step's values. */
  missing: string[];
}

export interface AppViewInput {
  project: ComposeProject;
  /** The services whose containers must hold the step's values (containers binding an env file are added). */
  services: string[];
  /** The environment's env files, absolute. */
  envFiles: string[];
  cutover: Record<string, string>;
  config: Pick<Config, 'providers' | 'models'>;
  expected: Expectation;
  /** Behind `migrate gateway`: its URLs and where its split sends requests, so a container on it is judged by that. */
  gateway?: GatewayView;
  run: Runner;
  processEnv: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** false: judge what the containers hold without sending a request (status). */
  probe?: boolean;
  /** The project's containers as just listed (by a readiness wait); listed afresh when absent. Hold secrets. */
  listed?: ContainerInside[];
  /** Injectable for tests; the real one is rollback/verify.ts verifyEndpoint. */
  verify?: typeof verifyEndpoint;
}

export async function verifyAppView(input: AppViewInput): Promise<AppView> {
  const views = await readContainerViews(input.project, input.services, input.envFiles, input.run, input.listed);
  const containers = views.map((v) => judgeContainer(v, input.expected, input.cutover, input.config.providers, input.gateway));
  if (input.probe !== false) await probePairs(views, containers, input);
  const missing = input.services.filter((s) => !containers.some((c) => c.service === s));
  return { ok: missing.length === 0 && containers.every((c) => c.ok), step: input.expected.step, expected: input.expected.role, containers, missing };
}

/**
 * Probe exactly the URL and key each container holds, once per distinct pair. Only pairs that
 * name one provider on both sides are sent: a mixed pair would hand one provider's key to the other.
 * A gateway pair is sent through the gateway when its split names one provider: that is what answers the app.
 */
async function probePairs(views: ContainerView[], containers: ContainerFact[], input: AppViewInput): Promise<void> {
  const verify = input.verify ?? (await import('../rollback/verify.js')).verifyEndpoint;
  const answers = new Map<string, Promise<EndpointAnswer>>();
  for (const [i, fact] of containers.entries()) {
    for (const pair of fact.pairs) {
      const role = effectiveRole(pair);
      if (role !== 'legacy' && role !== 'target') continue;
      const url = pair.url!;
      const key = pair.keyVariable ? (views[i]!.values[pair.keyVariable] ?? '') : '';
      const id = `${normalizeUrl(url)}\0${key}`;
      if (!answers.has(id)) answers.set(id, verify(endpointFor(role, url, key, input.config, input.gateway?.urls), probeOptions(role, input)));
      const answer = await answers.get(id)!;
      pair.probe = answer;
      const via = pair.role === 'gateway' ? ` through the gateway` : '';
      if (!answer.ok) fact.problems.push(`${pair.urlVariable} → ${role}${via} does not answer with the key the container holds: ${failedStep(answer)}`);
    }
    fact.ok = fact.problems.length === 0;
  }
}

/**
 * The pair as held, with the headers and timeout of the provider (or node) it points at. The URL
 * is the one the app calls: a bare host or a URL without a path gets the /v1 its app adds.
 */
export function endpointFor(role: ProviderRole, url: string, key: string, config: AppViewInput['config'], gatewayUrls: string[] = []): Endpoint {
  const provider = config.providers[role];
  const baseUrl = calledBaseUrl(url, [provider.baseUrl, ...provider.nodes.map((n) => n.baseUrl), ...gatewayUrls]);
  const node = provider.nodes.find((n) => normalizeUrl(n.baseUrl) === normalizeUrl(baseUrl));
  return {
    role,
    node: node?.id ?? 'main',
    baseUrl,
    apiKey: key,
    headers: { ...provider.headers, ...node?.headers },
    timeoutMs: provider.timeoutMs,
  };
}

export function probeOptions(role: ProviderRole, input: Pick<AppViewInput, 'config' | 'processEnv' | 'signal'>) {
  return { model: input.config.models[0]!, strictModels: input.config.providers[role].strictModels, processEnv: input.processEnv, signal: input.signal };
}

function failedStep(a: EndpointAnswer): string {
  const step = a.models.status === 'fail' ? a.models : a.chat;
  return step.message ?? 'failed';
}
