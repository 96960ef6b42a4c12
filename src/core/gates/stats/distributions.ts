// The few distribution functions the gates' tests need, in plain arithmetic (no dependency).

/** P(Z > z) for a standard normal Z, through Numerical Recipes' erfcc (fractional error < 1.2e-7, in the tail too). */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms): enough for factorials of request counts. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let term = Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
  let sum = 0;
  for (let i = k; i <= n && term > 0; i++) {
    sum += term;
    if (term < sum * 1e-15 && i > n * p) break;
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return Math.min(1, sum);
}

/**
 * One-sided Fisher exact test: P(at least `a` of the `errors` fall in the first group) when
 * the first group has n1 of the n1 + n2 requests and errors land at random: the hypergeometric
 * upper tail. Small means the first group errs more than the second.
 */
export function fisherUpperTail(a: number, n1: number, c: number, n2: number): number {
  const errors = a + c;
  const total = n1 + n2;
  const max = Math.min(errors, n1);
  if (a <= Math.max(0, errors - n2)) return 1;
  const logPmf = (x: number) => logChoose(n1, x) + logChoose(n2, errors - x) - logChoose(total, errors);
  let term = Math.exp(logPmf(a));
  let sum = 0;
  for (let x = a; x <= max && term > 0; x++) {
    sum += term;
    // pmf(x+1)/pmf(x) for the hypergeometric distribution.
    term *= ((n1 - x) * (errors - x)) / ((x + 1) * (n2 - errors + x + 1));
  }
  return Math.min(1, sum);
}
