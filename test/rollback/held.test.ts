// notHeld decides whether a rollback that wrote no file may skip the recreate: only when every
// container of every service provably holds the restored files. Pure: a compose model, the
// restored files and what the containers hold in, reasons out (names only, never a value).
import { describe, expect, it } from 'vitest';
import type { ContainerView } from '../../src/core/appview/read.js';
import type { ComposeModel } from '../../src/core/compose/model.js';
import { notHeld as notHeldAt } from '../../src/core/rollback/held.js';
import type { FileRestore } from '../../src/core/rollback/plan.js';

const ENV = '/app/.env';
const file = (content: string): FileRestore => ({
  path: '.env',
  absolute: ENV,
  content: Buffer.from(content),
  mode: 0o600,
  exists: true,
  changed: false,
  diff: { added: [], removed: [], changed: [] },
});
const restored = [file('OPENAI_BASE_URL=http://127.0.0.1:8089/v1\nOPENAI_API_KEY=sk-legacy-secret\nPORT=3080\n')];
const service = (name: string, reads: Partial<ComposeModel['services'][number]>) => ({ name, envFiles: [], fileMounts: [], variables: [], ...reads });
const view = (svc: string, values: Record<string, string>, more: Partial<ContainerView> = {}): ContainerView => ({
  id: `${svc}0123456789abcdef`,
  service: svc,
  status: 'running',
  values,
  from: {},
  mounts: [],
  ...more,
});
const held = { OPENAI_BASE_URL: 'http://127.0.0.1:8089/v1', OPENAI_API_KEY: 'sk-legacy-secret', PORT: '3080', PATH: '/bin' };
const written = ['OPENAI_BASE_URL', 'OPENAI_API_KEY'];

/** The restored .env last written at 10:00:00; every container started a second later unless told. */
const FILE_TIME = Date.parse('2026-12-04T10:00:00Z');
type Input = Omit<Parameters<typeof notHeldAt>[0], 'startedAt' | 'modifiedAt'>;
const notHeld = (o: Input, startedAt: Record<string, string> = {}) =>
  notHeldAt({ ...o, startedAt: { ...Object.fromEntries(o.views.map((v) => [v.id, '2026-12-04T10:00:01.123456789Z'])), ...startedAt }, modifiedAt: { [ENV]: FILE_TIME } });

describe('notHeld: may a rollback that wrote no file skip the recreate', () => {
  it('env_file and a single-file bind mount: every variable of the file, as the container sees it', () => {
    const model: ComposeModel = { projectEnvFile: ENV, services: [service('rag', { envFiles: [ENV] }), service('api', { fileMounts: [{ source: ENV, target: '/app/.env' }] })] };
    expect(notHeld({ model, services: ['api', 'rag'], files: restored, views: [view('api', held), view('rag', held)], written })).toEqual([]);
    const stale = notHeld({
      model,
      services: ['api', 'rag'],
      files: restored,
      views: [view('api', { ...held, OPENAI_BASE_URL: 'https://target/v1' }), view('rag', { PATH: '/bin' })],
      written,
    });
    expect(stale).toEqual([
      'api (api012345678): OPENAI_BASE_URL differs from the restored file',
      'rag (rag012345678): OPENAI_BASE_URL not set',
      'rag (rag012345678): OPENAI_API_KEY not set',
      'rag (rag012345678): PORT not set',
    ]);
    expect(stale.join('\n')).not.toContain('sk-legacy-secret');
  });

  it('${VAR} substitution: a variable migrate writes must be seen under its own name, others only compared when held', () => {
    const model: ComposeModel = { projectEnvFile: ENV, services: [service('webui', { variables: ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'PORT'] })] };
    const { PORT: _, ...noPort } = held;
    expect(notHeld({ model, services: ['webui'], files: restored, views: [view('webui', noPort)], written })).toEqual([]); // PORT went into `ports:`
    // `OPENAI_KEY: ${OPENAI_API_KEY}`: cannot tell what it holds, so recreate.
    const { OPENAI_API_KEY: __, ...renamed } = held;
    expect(notHeld({ model, services: ['webui'], files: restored, views: [view('webui', { ...renamed, OPENAI_KEY: 'sk-legacy-secret' })], written })).toEqual([
      'webui (webui0123456): OPENAI_API_KEY not set',
    ]);
  });

  it('a stopped container, an unreadable mount or a service without a container is recreated', () => {
    const model: ComposeModel = {
      projectEnvFile: ENV,
      services: [service('a', { envFiles: [ENV] }), service('b', { fileMounts: [{ source: ENV, target: '/e' }] }), service('c', { envFiles: [ENV] })],
    };
    const views = [view('a', held, { status: 'exited' }), view('b', held, { mounts: [{ source: ENV, destination: '/e', error: 'docker exec failed' }] })];
    expect(notHeld({ model, services: ['a', 'b', 'c'], files: restored, views, written })).toEqual([
      'a (a0123456789a): exited',
      'b (b0123456789a): cannot read /e inside it',
      'c: no container',
    ]);
  });

  it('a bind-mounted file changed after its container started (a cp over it in place) is not held: its app read it before', () => {
    const model: ComposeModel = { projectEnvFile: ENV, services: [service('api', { fileMounts: [{ source: ENV, target: '/app/.env' }] }), service('rag', { envFiles: [ENV] })] };
    const views = [view('api', held), view('rag', held)];
    const early = { api0123456789abcdef: '2026-12-04T09:59:59.999999999Z', rag0123456789abcdef: '2026-12-04T09:59:59Z' };
    // rag's env was fixed when it was created: the file's later mtime says nothing about it.
    expect(notHeld({ model, services: ['api', 'rag'], files: restored, views, written }, early)).toEqual(['api (api012345678): .env changed after it started']);
    expect(notHeld({ model, services: ['api'], files: restored, views, written }, { api0123456789abcdef: '' })).toEqual(['api (api012345678): .env changed after it started']);
    expect(notHeld({ model, services: ['api', 'rag'], files: restored, views, written })).toEqual([]);
  });

  it('a variable migrate writes that the restored files do not set (a weight a stage added) must not be held either', () => {
    const model: ComposeModel = {
      projectEnvFile: ENV,
      services: [service('rag', { envFiles: [ENV] }), service('webui', { variables: ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'LLM_TARGET_WEIGHT'] })],
    };
    const withWeight = [...written, 'LLM_TARGET_WEIGHT'];
    const views = [view('rag', { ...held, LLM_TARGET_WEIGHT: '20' }), view('webui', { ...held, LLM_TARGET_WEIGHT: '20' })];
    expect(notHeld({ model, services: ['rag', 'webui'], files: restored, views, written: withWeight })).toEqual([
      'rag (rag012345678): LLM_TARGET_WEIGHT set, but the restored files do not set it',
      'webui (webui0123456): LLM_TARGET_WEIGHT set, but the restored files do not set it',
    ]);
    // Not held at all, or empty as compose substitutes an unset ${VAR}: nothing to undo.
    const clean = [view('rag', held), view('webui', { ...held, LLM_TARGET_WEIGHT: '' })];
    expect(notHeld({ model, services: ['rag', 'webui'], files: restored, views: clean, written: withWeight })).toEqual([]);
  });
});
