import { describe, expect, it } from 'vitest';
import { parseResult, singleValue } from '../../src/core/prometheus/result.js';
import { promDuration, renderQuery } from '../../src/core/prometheus/template.js';

describe('PromQL templates', () => {
  it('fills {{env}}, {{weight}} and {{window}} (whole seconds)', () => {
    const q = renderQuery('rate(x{env="{{env}}",w="{{ weight }}"}[{{window}}])', { env: 'canary', weight: 20, windowMs: 45_500 });
    expect(q).toBe('rate(x{env="canary",w="20"}[46s])');
    expect(promDuration(200)).toBe('1s');
  });

  it('an unknown placeholder is a config error naming it', () => {
    expect(() => renderQuery('x{e="{{environment}}"}', { env: 'c', weight: 5, windowMs: 1000 })).toThrow('ramp.sources.prometheus: unknown placeholder {{environment}} in PromQL');
  });
});

describe('query results', () => {
  const vector = (...values: string[]) => ({ resultType: 'vector', result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1, v] })) });

  it('reads one number from a scalar or a one-series vector', () => {
    expect(singleValue(parseResult({ resultType: 'scalar', result: [1, '0.25'] }))).toBe(0.25);
    expect(singleValue(parseResult(vector('812.5')))).toBe(812.5);
  });

  it('an empty vector or NaN (0/0) is no data, never zero', () => {
    expect(singleValue(parseResult(vector()))).toBeUndefined();
    expect(singleValue(parseResult(vector('NaN')))).toBeUndefined();
  });

  it('+Inf (beyond the last histogram bucket) is a number that fails any threshold', () => {
    expect(singleValue(parseResult(vector('+Inf')))).toBe(Infinity);
  });

  it('several series or another result type are errors that say what to do', () => {
    expect(() => singleValue(parseResult(vector('1', '2')))).toThrow('returned 2 series, expected one: aggregate with sum(), max() or histogram_quantile()');
    expect(() => parseResult({ resultType: 'matrix', result: [] })).toThrow('expected a scalar or an instant vector, got matrix');
  });
});
