// Summaries of repeated measurements: nearest-rank percentiles, so every reported value is one
// that was actually observed (no interpolation between runs).

/**
 * @param {number[]} values
 * @param {number} p percentile, 0–100
 */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return /** @type {number} */ (sorted[rank - 1]);
}

/**
 * A figure from repeated runs: `value` is the p-th percentile (the median by default).
 * @typedef {{ value: number, min: number, max: number, n: number }} Summary
 * @param {number[]} values
 * @param {number} [p]
 * @returns {Summary}
 */
export function describe(values, p = 50) {
  return {
    value: percentile(values, p),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  };
}

/** @param {number} value @param {number} [digits] */
export function round(value, digits = 2) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
