// How many samples a percentile needs before it is judged: with fewer, the nearest-rank p95 is
// the maximum, and one slow request decides. Fewer is "not judged", never a fail.
export const P95_MIN_SAMPLES = 20;
export const P99_MIN_SAMPLES = 100;

/** The rank test's normal approximation needs a few samples a side to be near exact. */
export const RANK_TEST_MIN_SAMPLES = 8;

/** A false alarm at most once in a hundred windows unless gates.alpha says otherwise. */
export const DEFAULT_ALPHA = 0.01;

/** Fewer errors than this never fail a window on their own, however small the request count. */
export const MIN_ERRORS_TO_FAIL = 3;
