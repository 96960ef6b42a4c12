// docs/ci.md's GitHub Actions workflow and GitLab CI job are meant to be pasted as they are: they
// must parse, run check and validate before a ramp that needs them, hand validate's JUnit file to
// the CI, take keys from the CI's secret store, and pass --yes where nobody can answer a prompt.
// (Their `migrate` flags are checked against --help by docs.test.ts.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.js';

const doc = readFileSync(path.join(ROOT, 'docs/ci.md'), 'utf8');
const blocks = [...doc.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((m) => m[1]!);

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
type Job = Record<string, unknown> & { steps?: Step[]; script?: string[]; needs?: string[] };

describe('docs/ci.md', () => {
  it('has two YAML blocks that parse: the workflow, then the GitLab job', () => {
    expect(blocks).toHaveLength(2);
    for (const block of blocks) expect(() => parse(block, { strict: true })).not.toThrow();
  });

  it('GitHub Actions: check → validate (JUnit, annotations) → a ramp gated on both, with --yes and keys from secrets', () => {
    const wf = parse(blocks[0]!) as { env: Record<string, string>; jobs: Record<string, Job> };
    expect(Object.keys(wf.jobs)).toEqual(['check', 'validate', 'ramp']);
    expect(wf.env.LEGACY_API_KEY).toBe('${{ secrets.LEGACY_API_KEY }}');
    expect(wf.env.TARGET_API_KEY).toBe('${{ secrets.TARGET_API_KEY }}');
    const runs = (job: string) => (wf.jobs[job]!.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs('check')).toMatch(/^migrate check /m);
    const validate = runs('validate');
    const junit = /migrate validate .*--junit (\S+)/.exec(validate)?.[1];
    expect(junit).toBeDefined();
    const junitStep = wf.jobs.validate!.steps!.find((s) => s.uses?.startsWith('mikepenz/action-junit-report'));
    expect(junitStep?.with?.report_paths).toBe(junit);
    expect(wf.jobs.ramp!.needs).toEqual(['check', 'validate']);
    expect(wf.jobs.ramp!.environment).toBe('production');
    expect(runs('ramp')).toMatch(/^migrate ramp --env production --yes --json/m);
    // The ramp's exit code must survive `| tee`: bash is given explicitly (-eo pipefail on Actions).
    expect((wf.jobs.ramp!.defaults as { run: { shell: string } }).run.shell).toBe('bash');
    expect(blocks[0]).not.toMatch(/sk-[A-Za-z0-9]/);
  });

  it('GitLab CI: the same stages, the JUnit report where validate writes it, a manual ramp with --yes and pipefail', () => {
    const ci = parse(blocks[1]!) as Record<string, Job> & { stages: string[] };
    expect(ci.stages).toEqual(['check', 'validate', 'ramp']);
    const validate = ci.validate!.script!.join('\n');
    const junit = /migrate validate .*--junit (\S+)/.exec(validate)?.[1];
    expect((ci.validate!.artifacts as { reports: { junit: string } }).reports.junit).toBe(junit);
    const ramp = ci.ramp!.script!;
    expect(ramp.indexOf('set -o pipefail')).toBeLessThan(ramp.findIndex((l) => l.includes('| tee')));
    expect(ramp.join('\n')).toMatch(/migrate ramp --env production --yes --json/);
    expect((ci.ramp!.rules as Array<{ when: string }>)[0]!.when).toBe('manual');
    expect(blocks[1]).not.toMatch(/sk-[A-Za-z0-9]/);
  });
});
