// migrate.yaml edited by gateway setup/remove: only compose.files and traffic change, every other byte stays.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { withGateway, withoutGateway } from '../../src/core/gateway/config-edit.js';

const traffic = {
  driver: 'nginx' as const,
  file: 'llm-gateway/canary/conf/llm-split.conf',
  service: 'llm-gateway',
  args: ['-c', '/etc/nginx/migrate/nginx.conf'],
  accessLog: 'llm-gateway/canary/logs/access.json',
  gateway: true as const,
};
const TRAFFIC =
  '{ driver: nginx, file: llm-gateway/canary/conf/llm-split.conf, service: llm-gateway, args: ["-c", /etc/nginx/migrate/nginx.conf], accessLog: llm-gateway/canary/logs/access.json, gateway: true }';

const FLOW = [
  '# the shop',
  'providers:',
  '  legacy: { baseUrl: "https://api.openai.com/v1", apiKey: "${OPENAI_API_KEY}" }   # today',
  'environments:',
  '  canary:',
  '    envFiles: [ .env ]',
  "    compose: { files: ['docker-compose.yml'], projectName: shop }",
  '    cutover:',
  '      OPENAI_BASE_URL: https://relay.example/v1   # target',
  '  production:',
  '    envFiles: [.env.prod]',
  '',
].join('\n');

const BLOCK = [
  'environments:',
  '  canary:',
  '    envFiles: [.env]',
  '    traffic: { driver: env }  # for now',
  '    compose:',
  '      files:',
  '        - docker-compose.yml   # the app',
  '        - docker-compose.prod.yml',
  '      services: [app]',
  '',
].join('\n');

describe('gateway edits of migrate.yaml', () => {
  it('adds the override and the traffic line, leaving every other byte, and remove gives the file back', () => {
    const out = withGateway(FLOW, 'canary', 'compose.migrate.yaml', traffic);
    expect(out).toBe(
      FLOW.replace("files: ['docker-compose.yml']", "files: ['docker-compose.yml', compose.migrate.yaml]").replace('# target\n', `# target\n    traffic: ${TRAFFIC}\n`),
    );
    expect(parse(out).environments.canary.traffic).toEqual(traffic);
    expect(withoutGateway(out, 'canary', 'compose.migrate.yaml')).toBe(FLOW);
  });

  it('block lists get a line in the same style; an existing traffic value is replaced, its comment kept', () => {
    const out = withGateway(BLOCK, 'canary', 'compose.migrate.yaml', traffic);
    expect(out).toBe(BLOCK.replace('{ driver: env }', TRAFFIC).replace('docker-compose.prod.yml\n', 'docker-compose.prod.yml\n        - compose.migrate.yaml\n'));
    expect(parse(out).environments.canary.compose.files).toEqual(['docker-compose.yml', 'docker-compose.prod.yml', 'compose.migrate.yaml']);
    const back = withoutGateway(out, 'canary', 'compose.migrate.yaml');
    expect(back).toBe(BLOCK.replace('    traffic: { driver: env }  # for now\n', ''));
  });
});
