// Number formatting shared by every gate reason line, so they read alike.

/** 0.041 → "4.1%"; tiny non-zero rates keep two decimals so 0.04% does not read as 0.0%. */
export function pct(ratio: number): string {
  const p = ratio * 100;
  return `${p === 0 || p >= 0.1 ? p.toFixed(1) : p.toFixed(2)}%`;
}

/** A p95 of +Inf (Prometheus: beyond the last histogram bucket) reads as such, not "Infinityms". */
export function ms(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value)}ms` : 'beyond the last bucket';
}

export function ratio(value: number): string {
  return `${value.toFixed(2)}x`;
}

export function requests(n: number): string {
  return `${n} request${n === 1 ? '' : 's'}`;
}

export function seconds(msValue: number): string {
  return `${Math.round(msValue / 1000)}s`;
}

/** A test's p-value as "p=0.041" (two significant digits), or "p<0.0001" rather than a string of zeros. */
export function pValue(p: number): string {
  return p < 0.0001 ? 'p<0.0001' : `p=${Number(p.toPrecision(2))}`;
}
