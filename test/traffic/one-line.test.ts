import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { envFileSteps } from '../../src/core/traffic/env.js';
import { tempProject } from '../helpers/project.js';

describe('the last guard before an env file write', () => {
  it('refuses a value with a line break (exit 2), naming the key and the file, never the value', async () => {
    const dir = tempProject('migrate-one-line-');
    const file = path.join(dir, '.env');
    writeFileSync(file, 'A=1\r\n');
    const err = (await envFileSteps([file], { OPENAI_API_KEY: 'sk-secret-value\n', B: '2' }, new Redactor()).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    )) as Error & { exitCode?: number };
    expect(err).toMatchObject({ exitCode: 2, message: `refusing to write OPENAI_API_KEY to ${file}: the value has a line break in it` });
    expect(String(err.message)).not.toContain('sk-secret');
    expect(readFileSync(file, 'utf8')).toBe('A=1\r\n');
    const steps = await envFileSteps([file], { B: '2' }, new Redactor());
    expect(steps).toMatchObject([{ kind: 'file', content: 'A=1\r\nB=2\r\n' }]);
  });
});
