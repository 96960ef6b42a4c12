import { describe, expect, it } from 'vitest';
import { interpolateString } from '../../src/core/config/interpolate.js';

const vars: Record<string, string> = { HOST: 'api.example', EMPTY: '' };
const lookup = (name: string) => vars[name];

describe('interpolateString', () => {
  it('replaces ${VAR}, keeps a lone $ and turns $$ into $', () => {
    expect(interpolateString('https://${HOST}/v1', lookup)).toEqual({ value: 'https://api.example/v1', names: ['HOST'], problems: [], empty: [] });
    expect(interpolateString('$request_id', lookup).value).toBe('$request_id');
    expect(interpolateString('cost: $$5 ${HOST}', lookup).value).toBe('cost: $5 api.example');
    expect(interpolateString('$${HOST}', lookup).value).toBe('${HOST}');
  });

  it('uses :- defaults when unset or empty, and - defaults only when unset', () => {
    expect(interpolateString('${NOPE:-fallback}', lookup).value).toBe('fallback');
    expect(interpolateString('${EMPTY:-fallback}', lookup).value).toBe('fallback');
    expect(interpolateString('${EMPTY-fallback}', lookup).value).toBe('');
    expect(interpolateString('${NOPE-a:b}', lookup).value).toBe('a:b');
    expect(interpolateString('${NOPE:-}', lookup).problems).toEqual([]);
  });

  it('reports each unset variable and malformed references', () => {
    expect(interpolateString('${A} and ${B}', lookup).problems).toEqual(['${A} is not set', '${B} is not set']);
    expect(interpolateString('${not valid}', lookup).problems[0]).toMatch(/^malformed reference \$\{not valid\}/);
    expect(interpolateString('${UNCLOSED', lookup).problems[0]).toMatch(/^malformed reference \$\{/);
  });
});
