import { describe, expect, it } from 'vitest';
import { parseInspect, parseInspectEnv, type ContainerState } from '../../src/core/compose/docker.js';
import { parsePsIds } from '../../src/core/compose/containers.js';
import { serviceState } from '../../src/core/compose/readiness.js';

// Shaped like `docker inspect` output from Docker 20.10 (fields trimmed to those read).
const inspected = JSON.stringify([
  {
    Id: 'aaa111',
    Name: '/shop_app_1',
    State: {
      Status: 'running',
      ExitCode: 0,
      OOMKilled: false,
      StartedAt: '2026-01-01T00:00:00Z',
      Health: {
        Status: 'unhealthy',
        Log: [
          { ExitCode: 1, Output: 'first' },
          { ExitCode: 1, Output: 'wget: connection refused\n' },
        ],
      },
    },
    Config: { Env: ['OPENAI_BASE_URL=http://x/v1?a=b', 'OPENAI_API_KEY=sk-secret', 'EMPTY='], Labels: { 'com.docker.compose.service': 'app' } },
    HostConfig: { RestartPolicy: { Name: '', MaximumRetryCount: 0 } },
  },
  {
    Id: 'bbb222',
    Name: '/shop_crasher_1',
    State: { Status: 'exited', ExitCode: 3, OOMKilled: false, StartedAt: '2026-01-01T00:00:01Z' },
    Config: { Env: null, Labels: { 'com.docker.compose.service': 'crasher' } },
    HostConfig: { RestartPolicy: { Name: 'no' } },
  },
]);

function container(overrides: Partial<ContainerState>): ContainerState {
  return { id: 'c1', name: 'shop_app_1', service: 'app', status: 'running', exitCode: 0, oomKilled: false, restartPolicy: '', startedAt: '', ...overrides };
}

describe('docker inspect parsing', () => {
  it('reads service, state, health and restart policy, and keeps the environment out', () => {
    const [app, crasher] = parseInspect(inspected);
    expect(app).toEqual({
      id: 'aaa111',
      name: 'shop_app_1',
      service: 'app',
      status: 'running',
      exitCode: 0,
      oomKilled: false,
      health: { status: 'unhealthy', lastOutput: 'wget: connection refused' },
      restartPolicy: '',
      startedAt: '2026-01-01T00:00:00Z',
    });
    expect(crasher).toMatchObject({ service: 'crasher', status: 'exited', exitCode: 3, restartPolicy: 'no', health: undefined });
    expect(JSON.stringify(parseInspect(inspected))).not.toContain('sk-secret');
  });

  it('reads a container environment, values with "=" included', () => {
    expect(parseInspectEnv(inspected)).toEqual({ OPENAI_BASE_URL: 'http://x/v1?a=b', OPENAI_API_KEY: 'sk-secret', EMPTY: '' });
  });
});

describe('compose ps parsing', () => {
  it('v1: one id per line', () => {
    expect(parsePsIds('v1', 'aaa111\nbbb222\n')).toEqual(['aaa111', 'bbb222']);
    expect(parsePsIds('v1', '\n')).toEqual([]);
  });

  it('v2: a JSON array (before 2.21) or one object per line (since)', () => {
    expect(parsePsIds('v2', '[{"ID":"aaa111","Service":"app"},{"ID":"bbb222","Service":"worker"}]')).toEqual(['aaa111', 'bbb222']);
    expect(parsePsIds('v2', '{"ID":"aaa111","Service":"app"}\n{"ID":"bbb222","Service":"worker"}\n')).toEqual(['aaa111', 'bbb222']);
    expect(parsePsIds('v2', '')).toEqual([]);
  });
});

describe('serviceState', () => {
  it('is ready when running without a healthcheck, or healthy with one', () => {
    expect(serviceState('app', [container({})])).toMatchObject({ ready: true, failed: false });
    expect(serviceState('app', [container({ health: { status: 'healthy' } })])).toMatchObject({ ready: true });
  });

  it('waits for a health check that has not passed yet', () => {
    expect(serviceState('app', [container({ health: { status: 'starting' } })])).toMatchObject({
      ready: false,
      failed: false,
      reason: 'running, health check not passed yet',
    });
  });

  it('reports unhealthy with what the health check said', () => {
    const [app] = parseInspect(inspected);
    expect(serviceState('app', [app!])).toMatchObject({ ready: false, failed: false, reason: 'unhealthy: wget: connection refused' });
  });

  it('fails at once when a container exited and docker will not restart it', () => {
    const [, crasher] = parseInspect(inspected);
    expect(serviceState('crasher', [crasher!])).toMatchObject({ ready: false, failed: true, reason: 'exited with code 3' });
    expect(serviceState('app', [container({ status: 'exited', exitCode: 137, oomKilled: true })])).toMatchObject({
      failed: true,
      reason: 'killed: out of memory (exit code 137)',
    });
  });

  it('keeps waiting when a restart policy will bring it back', () => {
    expect(serviceState('app', [container({ status: 'exited', exitCode: 1, restartPolicy: 'always' })])).toMatchObject({ failed: false });
    expect(serviceState('app', [container({ status: 'restarting', exitCode: 1, restartPolicy: 'on-failure' })])).toMatchObject({
      failed: false,
      reason: 'restarting (last exit code 1)',
    });
  });

  it('is not ready without a container, and names the bad one of several', () => {
    expect(serviceState('app', [])).toMatchObject({ ready: false, failed: false, reason: 'no container' });
    const two = [container({ name: 'shop_app_1' }), container({ id: 'c2', name: 'shop_app_2', status: 'exited', exitCode: 2 })];
    expect(serviceState('app', two)).toMatchObject({ ready: false, failed: true, reason: 'shop_app_2: exited with code 2' });
  });
});
