// The spread every benchmark reports: median, p95, max and the number of measurements.

/** median / p95 / max / n of a list of measurements (linear between ranks, as numpy). */
export function summarize(values: readonly number[]): { median: number | null; p95: number | null; max: number | null; n: number } {
  if (values.length === 0) return { median: null, p95: null, max: null, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (pct: number) => {
    const rank = (pct / 100) * (sorted.length - 1);
    const lo = Math.floor(rank);
    const hi = Math.ceil(rank);
    return round(sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo));
  };
  return { median: at(50), p95: at(95), max: round(sorted.at(-1)!), n: sorted.length };
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
