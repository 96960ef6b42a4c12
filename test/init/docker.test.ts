import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeDown, composeExec, composeUp } from '../../src/core/compose/commands.js';
import { composeProject } from '../../src/core/compose/project.js';
import { runCommand } from '../helpers/run.js';
import { ROOT, onCleanup, runCli, tempProject } from '../helpers/cli.js';
import { dockerAvailable, dockerStatus } from '../helpers/docker.js';

// The services init names are the ones whose containers really hold the app's key: each app
// fixture (fixtures/apps, modeled on Open WebUI, LibreChat, AnythingLLM, LobeChat and big-AGI)
// is started with real docker compose, and every container is asked what it sees.

const available = await dockerAvailable();

const APPS: Record<string, string> = {
  'open-webui': 'OPENAI_API_KEY', // interpolated through environment:
  librechat: 'OPENAI_API_KEY', // ./.env bind-mounted into api; env_file in rag_api
  'anything-llm': 'GENERIC_OPEN_AI_API_KEY',
  'lobe-chat': 'OPENAI_API_KEY',
  'big-agi': 'OPENAI_API_KEY',
};

describe.skipIf(!available)('migrate init names the services whose containers hold the key', () => {
  for (const [app, keyName] of Object.entries(APPS)) {
    it(app, { timeout: 180_000 }, async () => {
      const { compose } = await dockerStatus();
      const dir = tempProject(`migrate-init-docker-${app}-`);
      cpSync(path.join(ROOT, 'fixtures/apps', app), dir, { recursive: true });
      const project = composeProject(compose!, { files: ['docker-compose.yml'], projectName: `migrate-init-${process.pid}-${randomBytes(3).toString('hex')}` }, dir, process.env);
      // Registered after the directory's removal, so it runs first: compose needs the files to go down.
      onCleanup(() => runCommand({ ...composeDown(project, { volumes: true }), timeoutMs: 120_000 }).catch(() => undefined));

      const init = await runCli(['init', '--yes', '--json'], { cwd: dir, env: { CI: '1' } });
      expect(init.exitCode, init.stderr).toBe(0);
      const findings: Array<{ kind: string; service?: string }> = JSON.parse(init.stdout).findings;
      const named = findings.filter((f) => f.kind === 'service').map((f) => f.service!);

      const all = Object.keys(parse(readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).services);
      const up = await runCommand({ ...composeUp(project, all), timeoutMs: 150_000 });
      expect(up.exitCode, up.stderr).toBe(0);
      const key = /^\w+=(.*)$/m.exec(
        readFileSync(path.join(dir, '.env'), 'utf8')
          .split('\n')
          .find((l) => l.startsWith(`${keyName}=`))!,
      )![1]!;
      const holding: string[] = [];
      for (const service of all) {
        // Its environment, and any env file mounted where the app reads it (LibreChat's /app/.env).
        const seen = await runCommand({ ...composeExec(project, service, ['sh', '-c', 'env; cat /app/.env 2>/dev/null; true'], 'read'), timeoutMs: 30_000 });
        expect(seen.exitCode, seen.stderr).toBe(0);
        if (seen.stdout.includes(key)) holding.push(service);
      }
      expect(named.sort()).toEqual(holding.sort());
    });
  }
});
