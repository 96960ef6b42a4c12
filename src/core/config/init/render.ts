import { stringify } from 'yaml';
import { table } from '../../output/table.js';
import type { Finding } from './detect.js';
import type { InitPlan, PlannedEnvironment } from './plan.js';

/** The plan as a commented migrate.yaml. Keys only ever appear as ${VAR} references. */
export function renderConfig(plan: InitPlan): string {
  return [header(plan), providers(plan), models(plan), environments(plan), RAMP].join('\n');
}

function header(plan: InitPlan): string {
  const from = plan.sources.length > 0 ? plan.sources.join(', ') : 'nothing found (a template)';
  return [
    `# migrate.yaml: written by \`migrate init\` from ${from}.`,
    '# Check every line, then run `migrate config` and `migrate check`.',
    '# ${VAR} and ${VAR:-default} are read from the environment, from .env.migrate and .env beside this file and',
    "# from each environment's envFiles. Never write a key here: reference it.",
    'version: 1',
    '',
  ].join('\n');
}

function providers(plan: InitPlan): string {
  const { legacy, target } = plan;
  const lines = [
    'providers:',
    "  # Where the traffic goes today. The cut-over rewrites the app's own variables, so the legacy",
    '  # settings live in .env.migrate (read by migrate only), copied there before anything changes.',
    '  legacy:',
    `    baseUrl: ${scalar(legacy.baseUrl)}`,
    `    apiKey: ${scalar(legacy.apiKey)}`,
    '  # Where the traffic is going.',
    '  target:',
  ];
  if (target.guessed) lines.push('    # Fill TARGET_BASE_URL and TARGET_API_KEY in .env.migrate (or set them in the environment).');
  else if (target.note) lines.push(`    # ${target.note}`);
  lines.push(
    `    baseUrl: ${scalar(target.baseUrl)}`,
    `    apiKey: ${scalar(target.apiKey)}`,
    '    # Several endpoints of the same provider are probed separately:',
    '    # nodes:',
    '    #   - { id: east, baseUrl: "https://east.example/v1" }',
    '',
  );
  return lines.join('\n');
}

function models(plan: InitPlan): string {
  return ['# The models the app calls: check and validate use them.', `models: ${list(plan.models)}`, ''].join('\n');
}

function environments(plan: InitPlan): string {
  if (plan.environments.length === 0) {
    return [
      '# No env files were found. An environment is one deployment: its env files, compose services',
      '# and how its traffic is split. For example:',
      'environments: {}',
      '#   canary:',
      '#     envFiles: [.env.canary]',
      '#     compose: { files: [docker-compose.yml], services: [app] }',
      '#     traffic: { driver: env, weightKey: LLM_TARGET_WEIGHT }',
      '#     cutover: { OPENAI_BASE_URL: "${TARGET_BASE_URL}", OPENAI_API_KEY: "${TARGET_API_KEY}" }',
      '',
    ].join('\n');
  }
  return ['# One per env file found.', 'environments:', ...plan.environments.map(environment), ''].join('\n');
}

function environment(env: PlannedEnvironment): string {
  const lines = [`  ${scalar(env.name)}:`, `    envFiles: ${list([env.envFile])}`];
  if (env.compose?.explicit && env.compose.matched) {
    lines.push('    compose:', `      files: ${list(env.compose.files)}`, `      services: ${list(env.compose.services)}  # chosen at the prompt: exactly these are recreated`);
  } else if (env.compose?.matched) {
    lines.push(
      '    compose:',
      `      files: ${list(env.compose.files)}`,
      `      # services: ${list(env.compose.services)}  # these read the variables below. Left out, migrate recreates`,
      `      # every service that reads ${env.envFile} (env_file, a bind mount, \${VAR}), derived from the compose files.`,
    );
  } else if (env.compose) {
    lines.push(
      '    compose:',
      `      files: ${list(env.compose.files)}`,
      `      # services: ${list(env.compose.all)}  # none reads the variables below: keep those that call the LLM API`,
    );
  } else {
    lines.push('    # compose: { files: [docker-compose.yml], services: [app] }  # no compose file was found');
  }
  lines.push(
    "    # Stages below 100 % only write this key (the target's share, 0-100): an app that does not read",
    "    # it moves at 100 %, the cut-over. For a real 5 %, use the nginx driver (migrate's docs/traffic.md: Traffic drivers).",
    '    traffic: { driver: env, weightKey: LLM_TARGET_WEIGHT }',
    `    # What ${env.envFile} says at 100 %.`,
    '    cutover:',
    ...Object.entries(env.cutover).map(([key, value]) => `      ${scalar(key)}: ${scalar(value)}`),
    "    # The app's model settings: the names a cut-over may have to change with the provider.",
    `    modelVariables: ${list(env.modelVariables)}`,
  );
  return lines.join('\n');
}

const RAMP = `# Traffic moves to the target in stages; each is held for the soak window while the gates watch.
ramp:
  stages: [5, 20, 50, 100]
  soak: 60s
  interval: 10s
  gates: { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, minSamples: 20 }
`;

// References are double-quoted so YAML never reads "${...}" as anything but a string.
function scalar(value: string): string {
  if (value.includes('${')) return JSON.stringify(value);
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function list(values: string[]): string {
  return `[${values.map((v) => (/[,[\]{}#]/.test(v) ? JSON.stringify(v) : scalar(v))).join(', ')}]`;
}

/** What init found and why, one row a finding: names and file:line only, never a value. */
export function renderFindings(findings: Finding[]): string {
  const rows = findings.map((f) => [f.kind, f.variable ?? f.service ?? '', f.at, f.confidence, f.reason]);
  return table(['found', 'name', 'where', 'confidence', 'why'], rows);
}
